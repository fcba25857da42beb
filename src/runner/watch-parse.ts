// The watcher's two inputs, parsed (pure): the services the generated compose
// file defines, and the containers `docker inspect` reports.
import { parseYaml } from '../util/yaml.ts';
import { isMapping } from '../util/fields.ts';
import type { ContainerObservation, ExpectedService } from './watch-state.ts';

/** Compose labels come as a map or as a list of "key=value". */
function labelsOf(raw: unknown): Record<string, string> {
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.filter((l): l is string => typeof l === 'string').map((l) => {
      const i = l.indexOf('=');
      return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
    }));
  }
  if (isMapping(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
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

interface InspectJson {
  Id: string;
  Name: string;
  Created?: string;
  RestartCount?: number;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: {
    Status?: string;
    StartedAt?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
    Health?: { Status?: string; FailingStreak?: number } | null;
  };
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

/** http://HOST:PORT/ping of a function's published port 3000, if it has one. */
function pingUrl(c: InspectJson): string | null {
  const b = c.NetworkSettings?.Ports?.['3000/tcp']?.[0];
  if (!b?.HostPort) return null;
  const host = !b.HostIp || b.HostIp === '0.0.0.0' ? '127.0.0.1' : b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp;
  return `http://${host}:${b.HostPort}/ping`;
}

/** Docker writes "0001-01-01T00:00:00Z" for never; that and garbage become 0. */
const epochMs = (s: string | undefined): number => {
  const ms = s ? Date.parse(s) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
};

/** `docker inspect ID…` output → observations, sorted by name; one-off `compose run` containers left out. */
export function parseContainers(inspectJson: string): ContainerObservation[] {
  const items = JSON.parse(inspectJson) as InspectJson[];
  return items
    .filter((c) => c.Config?.Labels?.['com.docker.compose.oneoff'] !== 'True')
    .map((c) => {
      const labels = c.Config?.Labels ?? {};
      const state = c.State ?? {};
      return {
        id: c.Id.slice(0, 12),
        name: c.Name.replace(/^\//, ''),
        service: labels['com.docker.compose.service'] ?? '',
        role: labels['faaso.role'] ?? '',
        fn: labels['faaso.function'] ?? '',
        status: state.Status ?? 'unknown',
        health: state.Health?.Status ?? 'none',
        failingStreak: state.Health?.FailingStreak ?? 0,
        restarts: c.RestartCount ?? 0,
        startedAt: epochMs(state.StartedAt),
        createdAt: epochMs(c.Created),
        exitCode: state.ExitCode ?? 0,
        oomKilled: state.OOMKilled === true,
        image: c.Config?.Image ?? '',
        hash: labels['faaso.hash'] ?? '',
        config: labels['faaso.config'] ?? '',
        published: [...new Set(Object.values(c.NetworkSettings?.Ports ?? {}).flatMap((b) => b ?? []).map((b) => `${b.HostIp ?? ''}:${b.HostPort ?? ''}`))].sort(),
        pingUrl: labels['faaso.role'] === 'function' ? pingUrl(c) : null,
        pingFailed: false,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
