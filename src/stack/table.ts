// Pure formatting of the stack's state for `up` and `status`.
import type { ObservedContainer } from './observe.ts';
import type { ServicePlan } from './types.ts';

/** What the rows need of a plan; `status` builds it from faaso.yml alone. */
export interface RowSource {
  bind: string;
  proxy: { port: number };
  services: Pick<ServicePlan, 'name' | 'port' | 'paths' | 'image'>[];
}

export interface FunctionRow {
  function: string;
  routes: string[];
  url: string;
  direct: string;
  image: string;
  state: string;
  health: string;
  restarts: number;
  uptime: string;
}

export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

export function functionRows(plan: RowSource, observed: readonly ObservedContainer[], now: number): FunctionRow[] {
  const host = plan.bind === '0.0.0.0' ? '127.0.0.1' : plan.bind;
  return plan.services.map((s) => {
    const c = observed.find((o) => o.role === 'function' && o.fn === s.name);
    return {
      function: s.name,
      routes: s.paths,
      url: s.paths.map((p) => `http://${host}:${plan.proxy.port}${p}`).join(' '),
      direct: `http://${host}:${s.port}`,
      image: c?.image ?? s.image,
      state: c?.status ?? 'missing',
      health: c?.health ?? '-',
      restarts: c?.restarts ?? 0,
      uptime: c?.status === 'running' ? formatDuration(now - c.startedAt) : '-',
    };
  });
}

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
