// Docker restarted: the stack comes back by itself. dockerd is stopped (every
// container stops with it) and started again; then, with no faaso command, the
// functions, the proxy and the registry must be running and every route must
// answer through the proxy within a generous deadline.
//
// It stops EVERY container on the engine for a few seconds, so it runs only
// when asked: FAASO_SOAK_DOCKER_RESTART=1 (`npm run soak` and CI's .ci/run set
// it; a developer's `npm test` skips it and says so). FAASO_SOAK_RESTART_LOG=FILE
// appends a line per restart, for people sharing the engine.
import fs from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pingRegistry } from '../../src/registry/api.ts';
import { DEFAULT_REGISTRY } from '../../src/settings.ts';
import { registryNames } from '../../src/registry/registry.ts';
import { waitFor } from '../integration/helpers.ts';
import { dockerdFacts, ensureDockerdRunning, planDockerdRestart, restartDockerd } from './dockerd.ts';
import { EXAMPLES, PROBES, answers, containerStateOf, log, startSoakStack, type SoakStack } from './soak-stack.ts';

const test = suite('soak: docker restart');
const ENABLED = process.env.FAASO_SOAK_DOCKER_RESTART === '1';
// Generous: dockerd stops and starts in ~15 s here, containers restart in seconds.
const RECOVERY_DEADLINE_MS = 120_000;
const REGISTRY = registryNames(DEFAULT_REGISTRY).container;
let stack: SoakStack | undefined;

test.before(async () => {
  if (ENABLED) stack = await startSoakStack({ project: 'faasosoak-docker', portBase: 18540 });
  else log('skipped: it stops every container on this engine; set FAASO_SOAK_DOCKER_RESTART=1 to run it');
});

test.after(async () => {
  if (!ENABLED) return;
  await ensureDockerdRunning(log);
  await stack?.down();
});

const name = 'dockerd stopped and started: functions, proxy and registry come back and serve, with no faaso command';
if (!ENABLED) {
  test.skip(name, () => {});
} else {
  test(name, async () => {
    const s = stack!;
    const plan = planDockerdRestart(await dockerdFacts());
    const registryBefore = await containerStateOf(REGISTRY);
    for (const [fn, p] of Object.entries(PROBES))
      assert.ok(await answers(s.via(p.path), p.check), `${fn} answers before the restart`);
    if (process.env.FAASO_SOAK_RESTART_LOG) {
      await fs.appendFile(
        process.env.FAASO_SOAK_RESTART_LOG,
        `${new Date().toUTCString()} restarting dockerd (faaso soak test, ${plan.kind})\n`,
      );
    }
    const t0 = Date.now();
    try {
      await restartDockerd(plan, log);
      log(`dockerd answers again after ${((Date.now() - t0) / 1000).toFixed(1)} s (${plan.kind})`);
      const services = [...Object.values(EXAMPLES), 'proxy'];
      await waitFor(
        'every container of the stack running',
        async () => {
          const states = await Promise.all(services.map((svc) => containerStateOf(s.container(svc))));
          return states.every((st) => st?.status === 'running');
        },
        RECOVERY_DEADLINE_MS,
      );
      for (const [fn, p] of Object.entries(PROBES)) {
        await waitFor(`${fn} through the proxy`, () => answers(s.via(p.path), p.check), RECOVERY_DEADLINE_MS);
      }
      log(`all routes answer through the proxy ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart began`);
      if (registryBefore?.status === 'running') {
        await waitFor(
          `${REGISTRY} answering on ${DEFAULT_REGISTRY}`,
          () => pingRegistry(DEFAULT_REGISTRY, 1000),
          RECOVERY_DEADLINE_MS,
        );
        log(
          `${REGISTRY} answers on ${DEFAULT_REGISTRY} ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart began`,
        );
      }
      for (const svc of services) {
        const st = await containerStateOf(s.container(svc));
        log(`${svc}: ${st?.status}/${st?.health}`);
      }
    } finally {
      await ensureDockerdRunning(log);
    }
  });
}

test.run();
