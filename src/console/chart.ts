// The console's small live chart: requests per second over the last 10
// minutes as an inline SVG (no chart library, no script), 5xx in red. Pure.
import type { SeriesPoint } from '../metrics/series.ts';
import { html, type Raw } from './html.ts';

const W = 240;
const H = 36;

export function sparkline(points: readonly SeriesPoint[], stepSeconds: number, label: string): Raw {
  const peak = Math.max(1, ...points.map((p) => p.requests));
  const x = (i: number): string => ((i / Math.max(1, points.length - 1)) * W).toFixed(1);
  const y = (n: number): string => (H - 1 - (n / peak) * (H - 2)).toFixed(1);
  const line = (pick: (p: SeriesPoint) => number): string => points.map((p, i) => `${x(i)},${y(pick(p))}`).join(' ');
  const peakRps = Math.max(0, ...points.map((p) => p.requests)) / stepSeconds;
  const title = `${label}: requests per second, last ${Math.round((points.length * stepSeconds) / 60)} minutes (peak ${
    peakRps < 10 ? peakRps.toFixed(1) : Math.round(peakRps)
  }/s)`;
  return html`<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${title}">
    <title>${title}</title>
    <polyline fill="none" stroke="#2b6cb0" stroke-width="1.5" points="${line((p) => p.requests)}" />
    <polyline fill="none" stroke="#c53030" stroke-width="1.5" points="${line((p) => p.serverErrors)}" />
  </svg>`;
}
