// npx zx scripts/down.mjs: stop and remove the stack's containers (the registry
// and its images stay); on Swarm, remove the stack's services.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { run } from '../exec/runner.ts';
import { dockerRm } from '../docker/argv.ts';
import { COMPOSE_FILE, composeDown } from '../stack/argv.ts';
import { composeTarget } from '../stack/prepare.ts';
import { observeStack } from '../stack/observe.ts';
import { acquireUpLock } from '../stack/lock.ts';
import { parseCli } from './entry.ts';
import { readStackTarget } from '../stack/config/load.ts';
import { swarmDown } from './swarm-stack.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';
import { writeJobs } from '../schedule/store.ts';

const USAGE = 'npx zx scripts/down.mjs';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const { settings } = await openProject();
  await ensureEngine();
  const target = composeTarget(settings);
  if ((await readStackTarget(settings.root)) === 'swarm') return swarmDown(target);
  const running = await observeStack(target.project);
  if (running.length === 0) {
    log(`stack ${target.project}: not running`);
    return 0;
  }
  // Held like `up` holds it: a running watch must not start what is being stopped.
  const release = await acquireUpLock(target);
  try {
    if (!fs.existsSync(path.join(target.dir, COMPOSE_FILE))) {
      // Files gone but containers left: remove them by label.
      await run(dockerRm(...running.map((c) => c.name)));
    } else {
      const r = await run(composeDown(target));
      if (r.exitCode !== 0) throw new UserError(`docker compose down failed: ${r.stderr.trim().split('\n').pop()}`);
    }
    // No stack, nothing to fire at: up writes the schedules again.
    await writeJobs(target.dir, []);
  } finally {
    await release();
  }
  log(`stack ${target.project}: stopped ${running.length} container(s)`);
  return 0;
}
