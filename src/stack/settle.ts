// After `up` has seen every new replica answer its /ping itself, Docker's own
// healthcheck (every 2 s) may not have run yet: the table would say "starting"
// for a replica that serves. Wait (bounded) until Docker has judged each one,
// so what `up` prints, and its exit code, is Docker's view too.
import type { ContainerObservation } from './inspect.ts';
import { observeStack } from './observe.ts';

const POLL_MS = 250;

export async function settledStack(project: string, timeoutMs = 15_000): Promise<ContainerObservation[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const observed = await observeStack(project);
    const judging = observed.some((c) => c.status === 'running' && c.health === 'starting');
    if (!judging || Date.now() >= deadline) return observed;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
