// Pure formatting of the stack's state for `up` and `status`: one row per
// function (its replicas summed up: "2/3 healthy") and, for --json, each replica.
import { isHealthyReplica, type ContainerObservation } from './inspect.ts';
import type { ServicePlan, StackConfig } from './types.ts';
import { routeUrls, type UrlSource } from './urls.ts';

/** What the rows need of a plan; `status` builds it from faaso.yml alone. */
export interface RowSource {
  bind: string;
  proxy: UrlSource['proxy'];
  services: Pick<ServicePlan, 'name' | 'port' | 'paths' | 'image' | 'replicas'>[];
}

/** The rows' source from faaso.yml alone (the image is what the containers run). */
export function rowSource(config: StackConfig): RowSource {
  const services = config.functions.map((f) => ({
    name: f.name,
    port: f.port,
    image: '-',
    replicas: f.replicas,
    paths: config.routes.filter((r) => r.function === f.name).map((r) => r.path),
  }));
  return { bind: config.bind, proxy: config.proxy, services };
}

export interface ReplicaRow {
  name: string;
  id: string;
  /** Compose's container number: sum-3 → 3. */
  number: number;
  image: string;
  state: string;
  health: string;
  restarts: number;
  uptime: string;
  /** Its address on the stack's network. */
  ip: string;
  /** On Swarm: the node it runs on. */
  node?: string;
}

export interface FunctionRow {
  function: string;
  routes: string[];
  url: string;
  /** The function's own port (served by the ports listener, balanced over its replicas). */
  direct: string;
  image: string;
  /** Replicas faaso.yml asks for, and how many of them run and answer. */
  wanted: number;
  running: number;
  healthy: number;
  /** "3/3 healthy", "1/3 healthy, 1 starting", "missing". */
  health: string;
  state: string;
  /** Restarts summed over the replicas. */
  restarts: number;
  /** Uptime of the youngest running replica. */
  uptime: string;
  replicas: ReplicaRow[];
}

export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

function replicaRow(c: ContainerObservation, now: number): ReplicaRow {
  return {
    name: c.name,
    id: c.id,
    number: c.number,
    image: c.image,
    state: c.status,
    health: c.health,
    restarts: c.restarts,
    uptime: c.status === 'running' ? formatDuration(now - c.startedAt) : '-',
    ip: c.ip,
  };
}

/** "2/3 healthy" plus what the others are doing, so a glance tells whether to worry. */
export function healthSummary(wanted: number, replicas: readonly ContainerObservation[]): string {
  if (replicas.length === 0) return 'missing';
  const healthy = replicas.filter(isHealthyReplica).length;
  const others = new Map<string, number>();
  for (const c of replicas.filter((r) => !isHealthyReplica(r))) {
    const what = c.status === 'running' ? (c.health === 'none' ? 'running' : c.health) : c.status;
    others.set(what, (others.get(what) ?? 0) + 1);
  }
  const rest = [...others].sort(([a], [b]) => (a < b ? -1 : 1)).map(([what, n]) => `, ${n} ${what}`);
  return `${healthy}/${wanted} healthy${rest.join('')}`;
}

export function functionRows(plan: RowSource, observed: readonly ContainerObservation[], now: number): FunctionRow[] {
  const host = plan.bind === '0.0.0.0' ? '127.0.0.1' : plan.bind;
  return plan.services.map((s) => {
    const mine = observed.filter((o) => o.role === 'function' && o.fn === s.name).sort((a, b) => a.number - b.number);
    const up = mine.filter((c) => c.status === 'running');
    const images = [...new Set(mine.map((c) => c.image))];
    const youngest = Math.max(...up.map((c) => c.startedAt));
    return {
      function: s.name,
      routes: s.paths,
      url: routeUrls(plan, s.paths),
      direct: `http://${host}:${s.port}`,
      image: images.length === 0 ? s.image : images.join(' '),
      wanted: s.replicas,
      running: up.length,
      healthy: mine.filter(isHealthyReplica).length,
      health: healthSummary(s.replicas, mine),
      state: mine.length === 0 ? 'missing' : [...new Set(mine.map((c) => c.status))].sort().join(','),
      restarts: mine.reduce((n, c) => n + c.restarts, 0),
      uptime: up.length > 0 ? formatDuration(now - youngest) : '-',
      replicas: mine.map((c) => replicaRow(c, now)),
    };
  });
}

/** A function is fine when every replica it wants runs and answers. */
export const rowHealthy = (r: FunctionRow): boolean => r.healthy >= r.wanted && r.running >= r.wanted;

/** Left-aligned columns, header first; stable for golden tests. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
