// The watcher's input from the generated compose file, parsed (pure): the
// services it keeps alive.
import { parseYaml } from '../util/yaml.ts';
import { isMapping } from '../util/fields.ts';
import type { ExpectedService } from './state.ts';

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
  if (isMapping(raw))
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  return {};
}

/**
 * Every service of the compose file labelled faaso.role=function, and the
 * proxy (faaso.role=proxy): without it no route answers. Standbys (a redeploy
 * in progress) and foreign services are not the watcher's business.
 */
export function expectedServices(composeText: string, file: string): ExpectedService[] {
  const doc = parseYaml(composeText, file);
  const services = isMapping(doc) && isMapping(doc.services) ? doc.services : {};
  const out: ExpectedService[] = [];
  for (const [service, def] of Object.entries(services)) {
    if (!isMapping(def)) continue;
    const labels = labelsOf(def.labels);
    const role = labels['faaso.role'];
    if (role === 'function') out.push({ service, fn: labels['faaso.function'] || service, role });
    else if (role === 'proxy') out.push({ service, fn: '', role });
  }
  return out.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}
