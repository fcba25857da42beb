// npx zx scripts/compose.mjs: (re)generate compose/docker-compose.yml, .env and
// caddy/Caddyfile + caddy/ports.Caddyfile from faaso.yml and the built images, without starting anything.
// `docker compose up` in compose/ then runs the stack with no faaso process.
// With target: swarm it writes compose/stack.yml instead (images pushed and
// pinned by digest), for `docker stack deploy`.
import path from 'node:path';
import { ensureEngine } from '../docker/engine.ts';
import { prepareStack } from '../stack/prepare.ts';
import {
  caddyAdapter,
  caddyChecker,
  imageCheck,
  renderStack,
  renderSwarmFiles,
  writeStackFiles,
} from '../stack/files.ts';
import { writeStackSecrets } from '../stack/secrets.ts';
import { STACK_YML } from '../stack/render/swarm.ts';
import { COMPOSE_FILE } from '../stack/argv.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';
import { scheduledJobs } from '../schedule/jobs.ts';
import { writeJobs } from '../schedule/store.ts';

const USAGE = 'npx zx scripts/compose.mjs';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const project = await openProject();
  await ensureEngine();
  const stack = await prepareStack(project, { build: false }, log);
  const rel = path.relative(process.cwd(), stack.target.dir) || '.';
  // The schedules too: a watch next to a hand-run `docker compose up` fires them.
  await writeJobs(stack.target.dir, scheduledJobs(stack.config));
  // The copies the generated files name, so that they run without faaso (never pruned here: a running stack may read others).
  await writeStackSecrets(stack.plan, stack.secrets);
  if (stack.config.target === 'swarm') {
    const caddy = imageCheck(stack.plan, stack.settings.root, stack.proxyImage);
    await writeStackFiles(stack.target, await renderSwarmFiles(stack.plan, caddyChecker(caddy), caddyAdapter(caddy)));
    log(
      `wrote ${rel}/${STACK_YML} and ${rel}/caddy/ (${stack.plan.services.length} function(s), ${stack.plan.routes.length} route(s))`,
    );
    log(`run it on a Swarm manager with: docker stack deploy -c ${rel}/${STACK_YML} ${stack.target.project}`);
    return 0;
  }
  await writeStackFiles(stack.target, await renderStack(stack));
  log(
    `wrote ${rel}/${COMPOSE_FILE}, ${rel}/.env, ${rel}/caddy/Caddyfile and ${rel}/caddy/ports.Caddyfile (${stack.plan.services.length} function(s), ${stack.plan.routes.length} route(s))`,
  );
  log(`run it with: cd ${rel} && docker compose up -d`);
  return 0;
}
