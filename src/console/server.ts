// The console's HTTP server: node:http, a handful of routes, server-rendered
// HTML (htmx swaps the live parts every 2 s), one SSE stream per followed log.
// Docker is read through the same code as status/logs/watch, never exposed:
// the browser only ever gets HTML, text and JSON made from it.
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { REPO_ROOT } from '../settings.ts';
import type { Project } from '../project.ts';
import { DNS_LABEL } from '../rules/values.ts';
import { formatProblem } from '../errors.ts';
import { planInvoke } from '../invoke/plan.ts';
import { sendFailure, sendInvoke } from '../invoke/send.ts';
import { readDeploys } from '../stack/deploys.ts';
import { composeTarget } from '../stack/prepare.ts';
import { createActions } from './actions.ts';
import { authorized, hostAllowed, sameOrigin, sessionCookie, tokenMatches, COOKIE } from './auth.ts';
import { layout, type Raw } from './html.ts';
import type { Live } from './live.ts';
import { followLogs, logCommands, readLogTail } from './logs.ts';
import {
  actionPartial,
  frontPage,
  functionPage,
  functionPartial,
  functionsPartial,
  invokeResult,
  loginPage,
  logsPage,
  problemsResult,
} from './pages.ts';
import { renderPrometheus } from './prometheus.ts';

export interface ConsoleOptions {
  project: Project;
  live: Live;
  token: string;
  bind: string;
  port: number;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the console's own forms.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};
const FORM_LIMIT = 1024 * 1024;
const MAX_STREAMS = 16;
const LOG_TAIL = 100;

async function loadAssets(): Promise<Map<string, { type: string; body: Buffer }>> {
  const own = path.join(REPO_ROOT, 'src', 'console', 'assets');
  const files: [string, string, string][] = [
    ['htmx.min.js', path.join(REPO_ROOT, 'node_modules', 'htmx.org', 'dist', 'htmx.min.js'), 'text/javascript'],
    ['console.js', path.join(own, 'console.js'), 'text/javascript'],
    ['console.css', path.join(own, 'console.css'), 'text/css'],
  ];
  const out = new Map<string, { type: string; body: Buffer }>();
  for (const [name, file, type] of files)
    out.set(name, { type: `${type}; charset=utf-8`, body: await fs.readFile(file) });
  return out;
}

function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > FORM_LIMIT) req.destroy(new Error('form too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export async function startConsole(o: ConsoleOptions): Promise<http.Server> {
  const assets = await loadAssets();
  const actions = createActions(o.project);
  const target = composeTarget(o.project.settings);
  const root = o.project.settings.root;
  const stack = o.project.settings.project;
  let streams = 0;

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra = {}): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
    res.end(body);
  };
  const page = (res: http.ServerResponse, title: string, body: Raw, status = 200, loggedIn = true): void =>
    send(res, status, 'text/html; charset=utf-8', layout(title, stack, body, loggedIn));
  const part = (res: http.ServerResponse, body: Raw, status = 200): void =>
    send(res, status, 'text/html; charset=utf-8', body.html);
  const text = (res: http.ServerResponse, status: number, body: string): void =>
    send(res, status, 'text/plain; charset=utf-8', `${body}\n`);

  const routedFunction = (name: string): boolean =>
    DNS_LABEL.test(name) && (o.live.snapshot().config?.functions.some((f) => f.name === name) ?? false);
  const services = (): string[] =>
    [...new Set(o.live.snapshot().observed.map((c) => c.service))].filter(Boolean).sort();
  const swarm = (): boolean => o.live.snapshot().config?.target === 'swarm';

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console');
    const p = url.pathname;
    if (!hostAllowed(req.headers.host, o.bind, o.port)) return text(res, 421, 'unknown host name');
    if (req.method === 'GET' && p.startsWith('/assets/')) {
      const a = assets.get(p.slice('/assets/'.length));
      return a ? send(res, 200, a.type, a.body, { 'cache-control': 'max-age=3600' }) : text(res, 404, 'not found');
    }
    if (p === '/favicon.ico') return send(res, 204, 'text/plain', '');
    if (req.method === 'POST' && !sameOrigin(req.headers.origin, req.headers.host))
      return text(res, 403, 'cross-site request refused');
    if (p === '/login') {
      if (req.method === 'GET') return page(res, 'Log in', loginPage(stack, false), 200, false);
      if (req.method === 'POST') {
        const form = await readForm(req);
        if (!tokenMatches(o.token, form.get('token') ?? ''))
          return page(res, 'Log in', loginPage(stack, true), 401, false);
        return send(res, 303, 'text/plain; charset=utf-8', '', { location: '/', 'set-cookie': sessionCookie(o.token) });
      }
    }
    if (!authorized(o.token, req.headers)) {
      if (req.method === 'GET' && !req.headers['hx-request'] && !p.startsWith('/metrics') && !p.startsWith('/api/'))
        return send(res, 303, 'text/plain; charset=utf-8', '', { location: '/login' });
      return text(res, 401, 'log in first (or send Authorization: Bearer TOKEN)');
    }
    if (req.method === 'POST' && p === '/logout')
      return send(res, 303, 'text/plain; charset=utf-8', '', {
        location: '/login',
        'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
      });
    const snap = o.live.snapshot();
    if (req.method === 'GET' && p === '/') return page(res, 'Functions', frontPage());
    if (req.method === 'GET' && p === '/partials/functions') return part(res, functionsPartial(snap, o.live.series));
    if (req.method === 'GET' && p === '/metrics')
      return send(
        res,
        200,
        'text/plain; version=0.0.4; charset=utf-8',
        renderPrometheus(snap.rows, snap.metrics, snap.schedules),
      );
    if (req.method === 'GET' && p === '/api/status')
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({
          at: snap.at,
          configError: snap.configError,
          dockerError: snap.dockerError,
          functions: snap.rows.map((r) => ({
            ...r,
            metrics: snap.metrics.find((m) => m.function === r.function) ?? null,
          })),
          schedules: snap.schedules,
        }),
      );
    if (req.method === 'GET' && (p === '/logs' || p === '/logs/stream')) {
      const service = url.searchParams.get('service') ?? 'all';
      if (service !== 'all' && !services().includes(service)) return text(res, 404, `no service ${service}`);
      const stream = p === '/logs/stream';
      const commands = logCommands(target, swarm(), service, services(), { follow: stream, tail: LOG_TAIL });
      if (!stream) return page(res, 'Logs', logsPage(services(), service, await readLogTail(commands)));
      if (streams >= MAX_STREAMS) return text(res, 503, 'too many logs followed at once');
      streams += 1;
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(': following\n\n');
      const ac = new AbortController();
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      res.on('close', () => ac.abort());
      await followLogs(commands, (line) => res.write(`data: ${line}\n\n`), ac.signal);
      clearInterval(keepAlive);
      streams -= 1;
      res.end('event: end\ndata: \n\n');
      return;
    }
    const fnMatch = /^\/(fn|partials\/fn)\/([^/]+)(?:\/(invoke|restart|deploy))?$/.exec(p);
    if (fnMatch) {
      const [, kind, fn = '', action] = fnMatch;
      if (!routedFunction(fn)) return text(res, 404, `no function ${fn} is routed in faaso.yml`);
      if (req.method === 'GET' && kind === 'partials/fn')
        return part(res, functionPartial(snap, fn, o.live.series(fn)));
      if (req.method === 'GET' && kind === 'fn' && !action) {
        const dir = path.join(root, 'functions', fn);
        const yml = await fs.readFile(path.join(dir, 'function.yml'), 'utf8').catch(() => '(no function.yml)');
        const description = /^description:\s*(.+)$/m.exec(yml)?.[1]?.trim() ?? '';
        const deploys = (await readDeploys(target.dir))
          .filter((d) => d.function === fn)
          .slice(-10)
          .reverse();
        const lines = await readLogTail(
          logCommands(target, swarm(), fn, services(), { follow: false, tail: LOG_TAIL }),
        );
        return page(res, fn, functionPage(fn, description, yml, deploys, lines));
      }
      if (req.method === 'POST' && action === 'invoke' && snap.config) {
        const form = await readForm(req);
        const body = form.get('body') ?? '';
        const { request, problems } = planInvoke(
          snap.config,
          fn,
          {
            method: form.get('method') ?? 'GET',
            path: form.get('path') ?? '/',
            headers: (form.get('headers') ?? '').split('\n').filter((l) => l.trim()),
            body: body.trim() ? { data: body, mustBeJson: false } : undefined,
          },
          { function: 'function', method: 'method', path: 'path', headers: 'headers', body: 'body' },
          'invoke',
        );
        if (!request) return part(res, problemsResult(problems.list.map(formatProblem)));
        try {
          return part(res, invokeResult(request.method, request.url, await sendInvoke(request)));
        } catch (err) {
          return part(res, invokeResult(request.method, request.url, { error: sendFailure(err) }));
        }
      }
      if (req.method === 'POST' && (action === 'restart' || action === 'deploy'))
        return part(res, actionPartial(actions.start(action, fn)));
    }
    const actionMatch = /^\/actions\/([0-9a-f]{12})$/.exec(p);
    if (req.method === 'GET' && actionMatch) {
      const a = actions.get(actionMatch[1]!);
      return a ? part(res, actionPartial(a)) : text(res, 404, 'no such action');
    }
    return text(res, 404, 'not found');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      process.stderr.write(`console: ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}\n`);
      if (!res.headersSent) text(res, 500, 'internal error (see the console’s output)');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bind, () => resolve());
  });
  return server;
}
