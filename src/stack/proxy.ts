// Talking to faaso's Caddy proxy: validate a Caddyfile before it is written, and
// reload the running proxy from the mounted file through Caddy's admin API
// (localhost:2019 inside the container, never published). The argv is built in
// argv.ts; this is the thin shell around exec/runner.ts.
//
// The order the shell must keep: validate → write atomically → reload. Caddy never
// loads a config it rejects (a failed reload leaves the old one serving), and a
// rejected text never replaces the file the proxy restarts from.
import { run } from '../exec/runner.ts';
import { caddyReloadArgv, caddyValidateArgv, type CaddyTarget } from './argv.ts';

/**
 * Caddy's own words from a failed command: its `Error: ...` line, with the admin
 * API's JSON envelope unwrapped ("caddy responded with error: HTTP 400: {"error":…}").
 */
export function caddyError(stderr: string, stdout = ''): string {
  const lines = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim());
  const line = lines.find((l) => l.startsWith('Error: '));
  if (!line) {
    const rest = lines.filter((l) => l && !l.startsWith('{"level":"info"'));
    return rest.join('\n') || 'caddy failed without a message';
  }
  const msg = line.slice('Error: '.length);
  const m = /caddy responded with error: HTTP \d+: (\{.*\})\s*$/.exec(msg);
  if (m) {
    try {
      const inner = JSON.parse(m[1]!) as { error?: unknown };
      if (typeof inner.error === 'string') return inner.error;
    } catch {
      // not JSON after all: keep Caddy's line as it is
    }
  }
  return msg;
}

export type ValidateResult = { ok: true } | { ok: false; error: string };

export async function validateCaddyfile(target: CaddyTarget, text: string): Promise<ValidateResult> {
  const r = await run(caddyValidateArgv(target), { input: text, timeoutMs: 60_000 });
  if (r.exitCode === 0) return { ok: true };
  return { ok: false, error: caddyError(r.stderr, r.stdout) };
}

export type AdaptResult = { ok: true; json: string } | { ok: false; error: string };

/** The JSON config Caddy makes of a Caddyfile (what its loader serves the proxies on Swarm). */
export async function adaptCaddyfile(target: CaddyTarget, text: string): Promise<AdaptResult> {
  const r = await run(caddyValidateArgv(target, 'adapt'), { input: text, timeoutMs: 60_000 });
  if (r.exitCode === 0) return { ok: true, json: r.stdout };
  return { ok: false, error: caddyError(r.stderr, r.stdout) };
}

export interface ReloadResult {
  ok: boolean;
  /** Caddy's message when it refused the config (the old one keeps serving). */
  error?: string;
  /** Wall time of `docker exec … caddy reload`, including docker exec itself. */
  ms: number;
}

export async function reloadProxy(
  container: string,
  opts: { force?: boolean; config?: string } = {},
): Promise<ReloadResult> {
  const started = performance.now();
  const r = await run(caddyReloadArgv(container, opts), { timeoutMs: 60_000 });
  const ms = Math.round(performance.now() - started);
  if (r.exitCode === 0) return { ok: true, ms };
  return { ok: false, error: caddyError(r.stderr, r.stdout), ms };
}
