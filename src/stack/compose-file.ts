// Reading back a compose file faaso generated (pure): its faaso services, their
// labels and replica counts. `up` reads the previous file's configs to undo a
// failed update; `watch` reads which services and how many replicas to keep alive.
import { isMapping } from '../util/fields.ts';
import { parseYaml } from '../util/yaml.ts';

export interface ComposeService {
  service: string;
  /** faaso.role: function, proxy, ports ('' for a service faaso did not make). */
  role: string;
  /** faaso.function ('' for the proxies). */
  fn: string;
  /** faaso.config: what its containers must match. */
  config: string;
  /** `scale` (1 when absent). */
  replicas: number;
}

/** Compose labels come as a map or as a list of "key=value". */
function labelsOf(raw: unknown): Record<string, string> {
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw
        .filter((l): l is string => typeof l === 'string')
        .map((l) => {
          const i = l.indexOf('=');
          return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
        }),
    );
  }
  if (isMapping(raw)) {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  }
  return {};
}

/** The services of a compose file, sorted by name; a malformed file throws a ValidationError naming it. */
export function readComposeServices(composeText: string, file: string): ComposeService[] {
  const doc = parseYaml(composeText, file);
  const services = isMapping(doc) && isMapping(doc.services) ? doc.services : {};
  const out: ComposeService[] = [];
  for (const [service, def] of Object.entries(services)) {
    if (!isMapping(def)) continue;
    const labels = labelsOf(def.labels);
    const role = labels['faaso.role'] ?? '';
    const scale = typeof def.scale === 'number' && Number.isInteger(def.scale) && def.scale >= 0 ? def.scale : 1;
    out.push({
      service,
      role,
      fn: role === 'function' ? labels['faaso.function'] || service : '',
      config: labels['faaso.config'] ?? '',
      replicas: scale,
    });
  }
  return out.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}
