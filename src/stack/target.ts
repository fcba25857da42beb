// One entry for the commands whatever faaso.yml's target: compose applies the
// stack on this engine (apply.ts), swarm on the Swarm this engine manages
// (swarm/apply.ts); both report the same rows.
import { applyStack } from './apply.ts';
import { deployRecords, recordDeploys } from './deploys.ts';
import { scheduledJobs } from '../schedule/jobs.ts';
import { writeJobs } from '../schedule/store.ts';
import type { ChangeKind } from './diff.ts';
import type { PreparedStack } from './prepare.ts';
import { settledStack } from './settle.ts';
import { applySwarmStack } from './swarm/apply.ts';
import { observeServices, observeTasks, readSwarmInfo } from './swarm/observe.ts';
import { swarmRows } from './swarm/rows.ts';
import { functionRows, type FunctionRow, type RowSource } from './table.ts';

type Log = (line: string) => void;

/** What an apply changed, either target. */
export interface ChangeSummary {
  fresh: boolean;
  functions: readonly { kind: ChangeKind }[];
  removed: readonly unknown[];
}

/** "1 started, 2 updated, 1 scaled" — what this `up` did, for its last line. */
export function summarizeChanges(diff: ChangeSummary): string {
  if (diff.fresh) return 'started';
  const count = (kind: ChangeKind) => diff.functions.filter((f) => f.kind === kind).length;
  const parts = [
    count('add') && `${count('add')} started`,
    count('update') && `${count('update')} updated`,
    count('scale') && `${count('scale')} scaled`,
    diff.removed.length && `${diff.removed.length} removed`,
  ].filter(Boolean);
  return parts.join(', ') || 'up to date';
}

/**
 * Applies the plan; once it runs, writes the schedules it serves (watch fires
 * them) and appends what changed to the deploy history (the console shows it).
 */
export async function applyTarget(s: PreparedStack, log: Log): Promise<ChangeSummary> {
  let diff: ChangeSummary;
  let changes: { name: string; kind: ChangeKind }[];
  let removed: string[];
  if (s.config.target === 'swarm') {
    const d = (await applySwarmStack(s, log)).diff;
    [diff, changes, removed] = [
      d,
      d.functions.map((f) => ({ name: f.name, kind: d.fresh ? 'add' : f.kind })),
      d.removed,
    ];
  } else {
    const d = (await applyStack(s, log)).diff;
    changes = d.functions.map((f) => ({ name: f.service.name, kind: d.fresh ? 'add' : f.kind }));
    [diff, removed] = [d, d.removed.map((r) => r.fn)];
  }
  await writeJobs(s.target.dir, scheduledJobs(s.config));
  await recordDeploys(s.target.dir, deployRecords(changes, removed, s.plan, Date.now()));
  return diff;
}

/** The rows as the target sees the stack now (on compose, once Docker has judged every new replica). */
export async function stackRows(target: 'compose' | 'swarm', project: string, plan: RowSource): Promise<FunctionRow[]> {
  if (target === 'swarm') {
    const [info, services, tasks] = await Promise.all([
      readSwarmInfo(),
      observeServices(project),
      observeTasks(project),
    ]);
    return swarmRows(plan, project, info.nodeAddr, services, tasks);
  }
  return functionRows(plan, await settledStack(project), Date.now());
}
