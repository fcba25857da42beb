// Recent deploys, for the console's function page: `up` (and `scale`) append
// what they changed to compose/.faaso-deploys.json once the change is applied.
// Docker keeps no such history: a replaced container is gone, and an image
// does not say when it started serving.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { ChangeKind } from './diff.ts';
import type { StackPlan } from './types.ts';

export const DEPLOYS_FILE = '.faaso-deploys.json';
/** Entries kept, newest last. */
export const DEPLOYS_KEPT = 200;

export interface DeployRecord {
  /** ms since epoch. */
  at: number;
  function: string;
  change: 'started' | 'updated' | 'scaled' | 'removed';
  /** The image it runs since ('' once removed). */
  image: string;
  replicas: number;
}

const CHANGE: Record<Exclude<ChangeKind, 'same'>, DeployRecord['change']> = {
  add: 'started',
  update: 'updated',
  scale: 'scaled',
};

/** What one apply changed, per function (pure). */
export function deployRecords(
  changes: readonly { name: string; kind: ChangeKind }[],
  removed: readonly string[],
  plan: Pick<StackPlan, 'services'>,
  at: number,
): DeployRecord[] {
  const out: DeployRecord[] = [];
  for (const c of changes) {
    if (c.kind === 'same') continue;
    const s = plan.services.find((x) => x.name === c.name);
    out.push({ at, function: c.name, change: CHANGE[c.kind], image: s?.image ?? '', replicas: s?.replicas ?? 0 });
  }
  for (const fn of removed) out.push({ at, function: fn, change: 'removed', image: '', replicas: 0 });
  return out.sort((a, b) => (a.function < b.function ? -1 : a.function > b.function ? 1 : 0));
}

export async function readDeploys(dir: string): Promise<DeployRecord[]> {
  try {
    const list = JSON.parse(await fs.readFile(path.join(dir, DEPLOYS_FILE), 'utf8')) as unknown;
    return Array.isArray(list) ? (list as DeployRecord[]) : [];
  } catch {
    return [];
  }
}

/** Appends (keeping the last DEPLOYS_KEPT); the file is rewritten atomically. */
export async function recordDeploys(dir: string, records: readonly DeployRecord[]): Promise<void> {
  if (records.length === 0) return;
  const list = [...(await readDeploys(dir)), ...records].slice(-DEPLOYS_KEPT);
  await writeFileAtomic(path.join(dir, DEPLOYS_FILE), `${JSON.stringify(list, null, 1)}\n`);
}
