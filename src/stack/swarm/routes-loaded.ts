// After a route change on Swarm, `up` waits until the proxy on every node
// serves the new routes: each proxy loads them from proxy-routes by itself
// (render/swarm-routes.ts), so `up` asks each node's published proxy port for
// its health answer, which names the routes' version. A node `up` cannot reach
// (a firewall between the manager and it) is said, not failed on: the proxy
// there loads the routes all the same.
import { run } from '../../exec/runner.ts';
import { PROXY_HEALTH_PATH, ROUTES_VERSION_HEADER } from '../render/caddyfile.ts';
import { nodeAddresses } from './argv.ts';
import { observeNodes, readSwarmInfo } from './observe.ts';
import { headerValue, httpRequest } from '../../util/http-request.ts';

type Log = (line: string) => void;

const POLL_MS = 250;

async function versionAt(address: string, port: number): Promise<string | undefined> {
  try {
    const res = await httpRequest(`http://${address}:${port}${PROXY_HEALTH_PATH}`, { timeoutMs: 1000 });
    return headerValue(res.headers, ROUTES_VERSION_HEADER) ?? undefined;
  } catch {
    return undefined;
  }
}

/** host:port of every ready, active node's proxy. */
async function proxyAddresses(): Promise<{ node: string; address: string }[]> {
  const nodes = (await observeNodes()).filter((n) => n.status === 'ready' && n.availability === 'active');
  if (nodes.length === 0) return [];
  const r = await run(nodeAddresses(nodes.map((n) => n.id)), { timeoutMs: 30_000 });
  const self = (await readSwarmInfo()).nodeAddr;
  const byId = new Map(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
  return nodes.map((n) => {
    const addr = byId.get(n.id) ?? '';
    // A manager may report 0.0.0.0 for itself: it is the address the Swarm knows it by.
    return { node: n.hostname, address: addr && addr !== '0.0.0.0' ? addr : self };
  });
}

export async function waitRoutesLoaded(version: string, port: number, log: Log, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  const pending = new Map((await proxyAddresses()).map((p) => [p.node, p.address]));
  const total = pending.size;
  while (pending.size > 0 && Date.now() - started < timeoutMs) {
    const seen = await Promise.all([...pending].map(async ([node, address]) => [node, await versionAt(address, port)]));
    for (const [node, v] of seen) if (v === version) pending.delete(node!);
    if (pending.size > 0) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (pending.size === 0) log(`routes: the proxies on ${total} node(s) serve them (${took} s)`);
  else
    log(
      `routes: the proxy on ${[...pending.keys()].join(', ')} did not confirm the new routes within ${timeoutMs / 1000} s (is its port ${port} reachable from here?); it loads them from proxy-routes all the same`,
    );
}
