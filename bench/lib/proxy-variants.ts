// Where Caddy's CPU goes, by taking parts away (pure): the proxy's own
// Caddyfile, as faaso renders it for the bench stack, beside copies that each
// change one thing: the access log written straight to stdout (one write to
// Docker per request, as faaso did before its relay), without request and
// response headers, or gone; or a fixed upstream address instead of DNS. Each
// copy runs in its own container of faaso's proxy image, limited and hardened
// like the proxy, and the same /ping load measures each one's CPU per request.
import { CADDY_CONFIG_DIR, caddyRun } from '../../src/stack/render/shared.ts';
import { ACCESS_LOG_OUTPUT, PROXY_LISTEN_PORT } from '../../src/stack/render/caddyfile.ts';
import { BENCH_PROJECT } from './proxy-plan.ts';
import { formatRps, formatUs } from './proxy-report.ts';
import { formatPercent, median } from './stats.ts';
import { limitedProxyArgv } from './proxy-versions-plan.ts';

export interface Variant {
  key: string;
  /** What the row says. */
  label: string;
  /** The Caddyfile of the variant, from the rendered one; throws when the rendering has nothing to take away. */
  config: (rendered: string) => string;
}

const must = (text: string, changed: string, what: string): string => {
  if (changed === text) throw new Error(`bench: the rendered Caddyfile has no ${what} to take away`);
  return changed;
};

/** The sites' access log: a "log {" … "}" block one tab in, after the global options (which have Caddy's own log). */
function replaceSiteLog(t: string, by: string): string {
  const site = t.search(/^[^\s#{][^\n]*\{$/m);
  if (site < 0) return t;
  return t.slice(0, site) + t.slice(site).replace(/^\tlog \{\n(?:\t\t.*\n)+?\t\}\n/gm, by);
}

/** A site log block with `output` and `format` lines (one tab in, as rendered). */
const siteLog = (output: readonly string[], format: string[]): string =>
  ['\tlog {', ...output.map((l) => `\t\t${l}`), ...format.map((l) => `\t\t${l}`), '\t}', ''].join('\n');

export const VARIANTS: readonly Variant[] = [
  { key: 'rendered', label: 'as faaso renders it (access log relayed in batches)', config: (t) => t },
  {
    key: 'stdout',
    label: 'access log straight to stdout: a write to Docker per request',
    config: (t) => must(t, replaceSiteLog(t, siteLog(['output stdout'], ['format json'])), 'access log'),
  },
  {
    key: 'no-headers',
    label: 'access log without request and response headers',
    config: (t) =>
      must(
        t,
        replaceSiteLog(
          t,
          siteLog(ACCESS_LOG_OUTPUT, [
            'format filter {',
            '\twrap json',
            '\trequest>headers delete',
            '\tresp_headers delete',
            '}',
          ]),
        ),
        'access log',
      ),
  },
  { key: 'no-log', label: 'no access log', config: (t) => must(t, replaceSiteLog(t, ''), 'access log') },
  {
    key: 'static',
    label: 'fixed upstream address instead of DNS (dynamic a)',
    config: (t) =>
      must(t, t.replace(/dynamic a (\S+) (\d+) \{\n\s*refresh \S+\n\s*\}/g, 'to $1:$2'), 'dynamic upstream'),
  },
];

export const variantFile = (v: Variant): string => `variant-${v.key}.Caddyfile`;
export const variantContainer = (v: Variant): string => `${BENCH_PROJECT}-caddy-${v.key}`;
/** 18120-18129: inside the proxy bench's 18100-18199. */
export const variantPort = (i: number): number => 18120 + i;

export const variantContainerArgv = (v: Variant, i: number, image: string, dir: string, network: string): string[] =>
  limitedProxyArgv({
    name: variantContainer(v),
    network,
    ports: [[variantPort(i), PROXY_LISTEN_PORT]],
    mount: [dir, CADDY_CONFIG_DIR],
    image,
    command: caddyRun(variantFile(v)),
  });

export interface VariantSample {
  key: string;
  round: number;
  rps: number;
  /** CPU of the variant's container per request, µs. */
  cpuUs: number;
  /** CPU of Docker's own processes per request, µs (the json-file driver writing access-log lines). */
  engineUs: number;
  errors: number;
}

/** Per variant: median req/s, CPU per request of Caddy and of Docker, and what each saves against the rendered config. */
export function variantRows(samples: readonly VariantSample[]): string[][] {
  const med = (key: string, pick: (s: VariantSample) => number): number =>
    median(samples.filter((s) => s.key === key).map(pick));
  const total = (s: VariantSample): number => s.cpuUs + s.engineUs;
  const base = med('rendered', total);
  return VARIANTS.filter((v) => samples.some((s) => s.key === v.key)).map((v) => {
    const both = med(v.key, total);
    return [
      v.label,
      formatRps(med(v.key, (s) => s.rps)),
      formatUs(med(v.key, (s) => s.cpuUs)),
      formatUs(med(v.key, (s) => s.engineUs)),
      formatUs(both),
      v.key === 'rendered' ? '–' : `${formatUs(base - both)} (${formatPercent((base - both) / base)})`,
      String(samples.filter((s) => s.key === v.key).reduce((n, s) => n + s.errors, 0)),
    ];
  });
}
