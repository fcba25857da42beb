// The console's log view: the same commands as `logs` (compose's, or Swarm's
// per service), cleaned the same way, read once for a page or followed for a
// Server-Sent Events stream.
import { follow, run } from '../exec/runner.ts';
import { composeLogs, type ComposeTarget, type LogsOptions } from '../stack/argv.ts';
import { cleanLogLine } from '../stack/log-lines.ts';
import { serviceLogs } from '../stack/swarm/argv.ts';

/** `all` (every service) or one, as commands to run side by side. */
export function logCommands(
  target: ComposeTarget,
  swarm: boolean,
  service: string,
  services: readonly string[],
  opts: LogsOptions,
): string[][] {
  const names = service === 'all' ? [] : [service];
  if (!swarm) return [composeLogs(target, names, { ...opts, color: false })];
  return (names.length > 0 ? names : services).map((s) => serviceLogs(`${target.project}_${s}`, opts));
}

/** The last lines, cleaned (a page load). */
export async function readLogTail(commands: readonly string[][]): Promise<string[]> {
  const out: string[] = [];
  for (const argv of commands) {
    const r = await run(argv, { timeoutMs: 15_000 });
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) if (line.trim()) out.push(cleanLogLine(line, false));
  }
  return out;
}

/** Every new line, cleaned, until `signal` aborts (the browser went away). */
export async function followLogs(
  commands: readonly string[][],
  onLine: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(commands.map((argv) => follow(argv, { onLine: (l) => onLine(cleanLogLine(l, false)), signal })));
}
