// The shell of the metrics: which containers count since when, and the proxy's
// access log read once (`status`) through Docker, like `logs proxy` reads it.
import { run } from '../exec/runner.ts';
import { containerLogsSince } from '../stack/argv.ts';
import type { ContainerObservation } from '../stack/inspect.ts';
import type { Route } from '../stack/types.ts';
import { parseAccessLine } from './access-log.ts';
import { newMetrics, recordRequest, type MetricsState } from './series.ts';

/**
 * Per function, when its counts start: the creation of its oldest container.
 * A redeploy creates new ones, so the counts start again; a crash restart or
 * `watch`'s restart keeps the container, so the errors that led to it stay counted.
 */
export function countingSince(observed: readonly ContainerObservation[]): Map<string, number> {
  const since = new Map<string, number>();
  for (const c of observed) {
    if (c.role !== 'function' || !c.fn || !(c.createdAt > 0)) continue;
    since.set(c.fn, Math.min(since.get(c.fn) ?? Infinity, c.createdAt));
  }
  return since;
}

/** The proxy container whose log holds the requests (the running one, if a recreate left two). */
export function proxyContainer(observed: readonly ContainerObservation[]): ContainerObservation | undefined {
  const proxies = observed.filter((c) => c.role === 'proxy');
  return proxies.find((c) => c.status === 'running') ?? proxies[0];
}

const LOG_TIMEOUT_MS = 60_000;

/**
 * Everything the proxy's log still holds since the earliest `since`. Docker
 * rotates that log (3 × 10 MB, see render/shared.ts), so a one-off read counts
 * at most the last ~40,000 requests; the console, which follows the log, counts them all.
 */
export async function readMetrics(
  routes: readonly Route[],
  observed: readonly ContainerObservation[],
): Promise<{ metrics: MetricsState; error?: string }> {
  const since = countingSince(observed);
  const metrics = newMetrics(routes, since);
  const proxy = proxyContainer(observed);
  if (!proxy || since.size === 0) return { metrics };
  const r = await run(containerLogsSince(proxy.name, Math.min(...since.values()), false), {
    timeoutMs: LOG_TIMEOUT_MS,
  });
  if (r.exitCode !== 0) return { metrics, error: r.stderr.trim().split('\n')[0] ?? `exit ${r.exitCode}` };
  for (const line of r.stdout.split('\n')) {
    const rec = parseAccessLine(line);
    if (rec) recordRequest(metrics, rec);
  }
  return { metrics };
}
