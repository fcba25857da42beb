// The proxy bench's HAProxy reference (the shell; proxy-reference.ts is the
// plan): a bench-only image is built, the container runs beside the bench
// stack with the stack's routes while `body` measures, and both are removed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { dockerRm, dockerRmi } from '../../src/docker/argv.ts';
import { NETWORK } from '../../src/stack/render/shared.ts';
import { BENCH_PROJECT } from './proxy-plan.ts';
import { containerAddress, type BenchStack } from './proxy-stack.ts';
import {
  HAPROXY_CONFIG_FILE,
  HAPROXY_CONTAINER,
  HAPROXY_DOCKERFILE,
  HAPROXY_IMAGE,
  HAPROXY_LISTEN_PORT,
  haproxyConfig,
  haproxyContainerArgv,
  REFERENCE_PORT,
} from './proxy-reference.ts';
import { buildBenchImage, must, waitHealthy } from './proxy-versions.ts';

type Log = (line: string) => void;

export async function withReference<T>(
  stack: BenchStack,
  opts: { accessLog: boolean },
  log: Log,
  /** Gets the reference's base URL at its container's address. */
  body: (base: string) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faasobench-haproxy-'));
  const cleanup = async (): Promise<void> => {
    await run(dockerRm(HAPROXY_CONTAINER));
    await run(dockerRmi(HAPROXY_IMAGE));
    await fs.rm(dir, { recursive: true, force: true });
  };
  return withCleanup(cleanup, async () => {
    await run(dockerRm(HAPROXY_CONTAINER));
    await fs.chmod(dir, 0o755); // HAProxy runs as uid 10001
    log("bench proxy: building trixie's HAProxy into a bench-only image (the reference row)…");
    await buildBenchImage(dir, HAPROXY_DOCKERFILE, HAPROXY_IMAGE, 'haproxy');
    await fs.writeFile(path.join(dir, HAPROXY_CONFIG_FILE), haproxyConfig(stack.prepared.plan, opts), { mode: 0o644 });
    await must(haproxyContainerArgv(dir, `${BENCH_PROJECT}_${NETWORK}`), `starting ${HAPROXY_CONTAINER}`);
    await waitHealthy(HAPROXY_CONTAINER, REFERENCE_PORT);
    return body(`http://${await containerAddress(HAPROXY_CONTAINER)}:${HAPROXY_LISTEN_PORT}`);
  });
}
