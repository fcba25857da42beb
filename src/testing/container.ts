// One throwaway container of an image on an ephemeral 127.0.0.1 port, answering
// /ping, for as long as a callback runs: the function tests and the demo's plain
// `docker run` both need exactly this, and both must leave nothing behind.
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { withCleanup, withCleanupBehind } from '../exec/cleanup.ts';
import { dockerLogs, dockerPort, dockerRm, dockerRun } from '../docker/argv.ts';
import { containerState } from '../docker/engine.ts';
import { FUNCTION_PORT } from '../function/contract.ts';
import { waitForPing } from './http.ts';

const START_TIMEOUT_MS = 30_000;

export interface ServingOptions {
  /** Container name prefix, e.g. faaso-test-sum. */
  prefix: string;
  /** How the image is named in errors, e.g. "sum". */
  what: string;
  /** Run with production hardening (read-only root, no capabilities). */
  hardened: boolean;
  labels?: Record<string, string>;
  /** `-v` mounts, e.g. the function's test secrets. */
  volumes?: string[];
  /**
   * Given: the container is removed while the caller goes on (a `docker rm -f`
   * takes ~0.25 s), and this receives the removal's promise. Else it is awaited.
   */
  onRemoval?: (removed: Promise<unknown>) => void;
}

/** Last log lines of a container, for error messages. */
export async function containerLogs(name: string, tail: number): Promise<string> {
  const logs = await run(dockerLogs(name, tail));
  return (logs.stdout + logs.stderr).trim();
}

/** Runs `body(baseUrl, containerName)` while the image serves; the container is removed afterwards, or on interrupt. */
export async function withServingImage<T>(
  image: string,
  opts: ServingOptions,
  body: (base: string, name: string) => Promise<T>,
): Promise<T> {
  const name = `${opts.prefix}-${randomBytes(3).toString('hex')}`;
  // Registered before `docker run`: an interrupt at any point removes the container.
  const remove = (): Promise<unknown> => run(dockerRm(name));
  const serve = async (): Promise<T> => {
    const started = await run(
      dockerRun({
        image,
        name,
        publish: [`127.0.0.1::${FUNCTION_PORT}`],
        hardened: opts.hardened,
        labels: opts.labels,
        volumes: opts.volumes,
      }),
    );
    if (started.exitCode !== 0)
      throw new UserError(`${opts.what}: cannot start a container of ${image}: ${started.stderr.trim()}`);
    const port = (await run(dockerPort(name, FUNCTION_PORT))).stdout.trim().split('\n')[0]?.split(':').pop();
    if (!port) throw new UserError(`${opts.what}: the container published no port`);
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitForPing(base, {
      timeoutMs: START_TIMEOUT_MS,
      isAlive: async () => (await containerState(name))?.status === 'running',
    });
    if (ready !== 'ready') {
      const why =
        ready === 'exited'
          ? 'exited before answering /ping'
          : `did not answer /ping within ${START_TIMEOUT_MS / 1000}s`;
      throw new UserError(
        `${opts.what}: the image ${why}; last log lines:\n${await containerLogs(name, 50)}`,
        `try it by hand: docker run --rm -p 3000:3000 ${image}`,
      );
    }
    return body(base, name);
  };
  return opts.onRemoval ? withCleanupBehind(remove, serve, opts.onRemoval) : withCleanup(remove, serve);
}
