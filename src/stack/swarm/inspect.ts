// Pure parsers of what the docker CLI says about a Swarm and a stack on it:
// `docker info` (.Swarm), `docker service inspect`, `docker service ls` and
// `docker stack ps` (JSON lines). Shapes come from Docker 20.10-28.

export interface SwarmInfo {
  /** inactive | pending | active | error | locked */
  state: string;
  manager: boolean;
  nodeId: string;
  /** The address other nodes reach this one at. */
  nodeAddr: string;
  /** Addresses (host:port) of the managers this node knows. */
  managers: string[];
  error: string;
}

export function parseSwarmInfo(json: string): SwarmInfo {
  const s = JSON.parse(json) as Record<string, unknown>;
  return {
    state: String(s.LocalNodeState ?? 'inactive'),
    manager: s.ControlAvailable === true,
    nodeId: String(s.NodeID ?? ''),
    nodeAddr: String(s.NodeAddr ?? ''),
    managers: ((s.RemoteManagers as { Addr?: string }[] | null) ?? []).map((m) => String(m.Addr ?? '')).sort(),
    error: String(s.Error ?? ''),
  };
}

export type SwarmRole = 'function' | 'proxy' | 'ports' | 'routes' | 'other';

/** An update Swarm ran or runs on a service: updating, completed, paused, rollback_started, rollback_completed… */
export interface UpdateState {
  state: string;
  startedAt: string;
  message: string;
}

export interface SwarmService {
  id: string;
  /** Full name: STACK_NAME. */
  name: string;
  /** Its name in the stack file (the function's name, proxy or ports). */
  short: string;
  role: SwarmRole;
  /** faaso.config label: what `up` compares with the plan. */
  config: string;
  image: string;
  global: boolean;
  /** Replicas wanted (replicated services; global ones: -1). */
  replicas: number;
  update?: UpdateState;
}

type Json = any;

function roleOf(labels: Record<string, string>): SwarmRole {
  const role = labels['faaso.role'];
  return role === 'function' || role === 'proxy' || role === 'ports' || role === 'routes' ? role : 'other';
}

/** `docker service inspect` output; `project` strips the stack prefix from names. */
export function parseServices(json: string, project: string): SwarmService[] {
  const list = JSON.parse(json) as Json[];
  return list
    .map((s): SwarmService => {
      const spec = s.Spec ?? {};
      const labels: Record<string, string> = spec.Labels ?? {};
      const name = String(spec.Name ?? '');
      const global = spec.Mode?.Global !== undefined;
      const update = s.UpdateStatus
        ? {
            state: String(s.UpdateStatus.State ?? ''),
            startedAt: String(s.UpdateStatus.StartedAt ?? ''),
            message: String(s.UpdateStatus.Message ?? ''),
          }
        : undefined;
      return {
        id: String(s.ID ?? ''),
        name,
        short: name.startsWith(`${project}_`) ? name.slice(project.length + 1) : name,
        role: roleOf(labels),
        config: labels['faaso.config'] ?? '',
        image: String(spec.TaskTemplate?.ContainerSpec?.Image ?? ''),
        global,
        replicas: global ? -1 : Number(spec.Mode?.Replicated?.Replicas ?? 0),
        ...(update ? { update } : {}),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** "2/3" (running/wanted) per service name, from `docker service ls --format '{{json .}}'`. */
export function parseServiceCounts(lines: string): Map<string, { running: number; wanted: number }> {
  const out = new Map<string, { running: number; wanted: number }>();
  for (const line of lines.split('\n').filter((l) => l.trim())) {
    const s = JSON.parse(line) as Json;
    const m = /^(\d+)\/(\d+)/.exec(String(s.Replicas ?? ''));
    if (m) out.set(String(s.Name), { running: Number(m[1]), wanted: Number(m[2]) });
  }
  return out;
}

export interface SwarmTask {
  id: string;
  /** faaso_sum.2 (replicated: slot) or faaso_proxy.NODEID (global). */
  name: string;
  service: string;
  node: string;
  desired: string;
  /** running, starting, preparing, failed, shutdown… (lower case). */
  state: string;
  /** "5 minutes ago". */
  since: string;
  error: string;
  image: string;
}

/** `docker stack ps` / `docker service ps` with --format '{{json .}}'. Child rows ("\_ faaso_sum.1") are older tasks of a slot. */
export function parseTasks(lines: string): SwarmTask[] {
  return lines
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const t = JSON.parse(line) as Json;
      const name = String(t.Name ?? '').replace(/^\\_\s*/, '');
      const current = String(t.CurrentState ?? '');
      const space = current.indexOf(' ');
      return {
        id: String(t.ID ?? ''),
        name,
        service: name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name,
        node: String(t.Node ?? ''),
        desired: String(t.DesiredState ?? '').toLowerCase(),
        state: (space < 0 ? current : current.slice(0, space)).toLowerCase(),
        since: space < 0 ? '' : current.slice(space + 1),
        error: String(t.Error ?? ''),
        image: String(t.Image ?? ''),
      };
    });
}

const UNIT_S: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000 };

/** Docker's "5 minutes ago", "About an hour ago", "Less than a second ago" → seconds (roughly, as said). */
export function ageSeconds(since: string): number {
  const m = /^(\d+|about an?|less than an?|an?)\s+(second|minute|hour|day|week|month)s?/i.exec(since.trim());
  if (!m) return Number.POSITIVE_INFINITY;
  const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : /^less/i.test(m[1]!) ? 0 : 1;
  return n * UNIT_S[m[2]!.toLowerCase()]!;
}
