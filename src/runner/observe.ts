// What is running now: every container of the compose project, from one
// `docker ps` and one `docker inspect`, reduced to what the runner decides on.
import { run } from '../exec/runner.ts';
import { UserError } from '../errors.ts';
import { inspectContainers, listProjectContainers } from './argv.ts';

export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  role: string; // function, standby, proxy, or '' for foreign services
  fn: string;
  hash: string;
  config: string;
  image: string;
  status: string; // running, exited, paused, restarting, created
  health: string; // healthy, unhealthy, starting, none
  restarts: number;
  startedAt: string;
  /** Host ports published, e.g. ["127.0.0.1:8460"]. */
  published: string[];
}

interface InspectJson {
  Id: string;
  Name: string;
  RestartCount: number;
  Config: { Image: string; Labels: Record<string, string> | null };
  State: { Status: string; StartedAt: string; Health?: { Status: string } };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

export function parseInspect(json: string): ObservedContainer[] {
  const items = JSON.parse(json) as InspectJson[];
  return items
    .map((c) => {
      const labels = c.Config.Labels ?? {};
      const published = Object.values(c.NetworkSettings.Ports ?? {})
        .flatMap((b) => b ?? [])
        .map((b) => `${b.HostIp}:${b.HostPort}`);
      return {
        id: c.Id.slice(0, 12),
        name: c.Name.replace(/^\//, ''),
        service: labels['com.docker.compose.service'] ?? '',
        role: labels['faaso.role'] ?? '',
        fn: labels['faaso.function'] ?? '',
        hash: labels['faaso.hash'] ?? '',
        config: labels['faaso.config'] ?? '',
        image: c.Config.Image,
        status: c.State.Status,
        health: c.State.Health?.Status ?? 'none',
        restarts: c.RestartCount,
        startedAt: c.State.StartedAt,
        published: [...new Set(published)].sort(),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function observeStack(project: string): Promise<ObservedContainer[]> {
  const ids = await run(listProjectContainers(project));
  if (ids.exitCode !== 0) throw new UserError(`cannot list containers: ${ids.stderr.trim()}`, 'is Docker running? npx zx scripts/setup.mjs');
  const list = ids.stdout.split('\n').filter(Boolean);
  if (list.length === 0) return [];
  const r = await run(inspectContainers(list));
  // A container can vanish between ps and inspect; retry once with what is left.
  if (r.exitCode !== 0) return observeStack(project);
  return parseInspect(r.stdout);
}
