// What the console shows, kept fresh: faaso.yml, the stack's containers (the
// same observation as `status`, `logs` and `watch`: one `docker ps` + one
// `docker inspect`), the metrics (a follow of the proxy's access log, fed to
// the same core `status` uses: here every request since the functions started
// is counted, not only what Docker's rotated log still holds), and the schedules.
import type { Settings } from '../settings.ts';
import { follow } from '../exec/runner.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { containerLogsSince } from '../stack/argv.ts';
import type { ContainerObservation } from '../stack/inspect.ts';
import { observeContainers } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { functionRows, rowSource, type FunctionRow } from '../stack/table.ts';
import type { StackConfig } from '../stack/types.ts';
import { parseAccessLine } from '../metrics/access-log.ts';
import { countingSince, proxyContainer } from '../metrics/read.ts';
import {
  functionSeries,
  newMetrics,
  recordRequest,
  summarizeMetrics,
  type FunctionMetrics,
  type MetricsState,
  type SeriesPoint,
} from '../metrics/series.ts';
import { readScheduleViews, type ScheduleView } from '../schedule/store.ts';
import { sleep } from '../util/sleep.ts';

export interface Snapshot {
  at: number;
  config: StackConfig | null;
  /** faaso.yml does not validate (the last good one is shown). */
  configError: string | null;
  observed: ContainerObservation[];
  dockerError: string | null;
  rows: FunctionRow[];
  metrics: FunctionMetrics[];
  /** Why there are no metrics, or where they come from. */
  metricsNote: string;
  schedules: ScheduleView[];
}

export interface Live {
  snapshot(): Snapshot;
  series(fn: string): SeriesPoint[];
  /** Observe now (after an action), instead of at the next tick. */
  refresh(): Promise<void>;
  /** Settled once the first observation is in (before it, every function would look unknown). */
  ready: Promise<void>;
}

const REFRESH_MS = 2000;

export function startLive(settings: Settings, signal: AbortSignal): Live {
  const target = composeTarget(settings);
  let snap: Snapshot = {
    at: Date.now(),
    config: null,
    configError: null,
    observed: [],
    dockerError: null,
    rows: [],
    metrics: [],
    metricsNote: 'starting…',
    schedules: [],
  };
  let metrics: MetricsState | null = null;
  /** What the running follow counts for: the proxy container, the routes, when each function's counts start. */
  let followKey = '';
  let stopFollow: AbortController | null = null;

  const restartFollow = (config: StackConfig, observed: ContainerObservation[]): void => {
    const proxy = proxyContainer(observed);
    const since = countingSince(observed);
    const key = JSON.stringify([proxy?.id, config.routes, [...since].sort()]);
    if (key === followKey) return;
    stopFollow?.abort();
    followKey = key;
    metrics = newMetrics(config.routes, since);
    if (!proxy || since.size === 0) return;
    const mine = metrics;
    const ac = new AbortController();
    stopFollow = ac;
    signal.addEventListener('abort', () => ac.abort(), { once: true });
    void follow(containerLogsSince(proxy.name, Math.min(...since.values()), true), {
      onLine: (line) => {
        const rec = parseAccessLine(line);
        if (rec) recordRequest(mine, rec);
      },
      signal: ac.signal,
    }).then(() => {
      // The proxy was recreated or stopped: the next refresh starts over from its log.
      if (stopFollow === ac) followKey = '';
    });
  };

  const refresh = async (): Promise<void> => {
    const now = Date.now();
    let config = snap.config;
    let configError: string | null = null;
    try {
      config = await loadStackConfig(settings.root, { registry: settings.registry });
    } catch (err) {
      configError = (err as Error).message;
    }
    const seen = await observeContainers(target.project);
    const observed = seen.ok ? seen.containers : snap.observed;
    let metricsNote = "through the proxy, since each function's containers were created";
    if (config && config.proxy.accessLog === false) {
      stopFollow?.abort();
      followKey = '';
      metrics = null;
      metricsNote = 'off: faaso.yml says proxy.access_log: false';
    } else if (config && seen.ok) restartFollow(config, observed);
    snap = {
      at: now,
      config,
      configError,
      observed,
      dockerError: seen.ok ? null : seen.error,
      rows: config ? functionRows(rowSource(config), observed, now) : [],
      metrics: metrics ? summarizeMetrics(metrics, now) : [],
      metricsNote,
      schedules: await readScheduleViews(target.dir, now).catch(() => []),
    };
  };

  const ready = refresh().catch(() => undefined);
  void (async () => {
    await ready;
    while (!signal.aborted) {
      await sleep(REFRESH_MS, signal);
      if (!signal.aborted) await refresh().catch(() => undefined);
    }
    (stopFollow as AbortController | null)?.abort();
  })();

  return {
    // Metrics as of now: a scrape or a page load sees requests from the last moment too.
    snapshot: () => (metrics ? { ...snap, metrics: summarizeMetrics(metrics, Date.now()) } : snap),
    series: (fn) => (metrics ? functionSeries(metrics, fn, Date.now()) : []),
    refresh,
    ready,
  };
}
