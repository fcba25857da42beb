// What every bench prints and saves: the machine it ran on, a table, one summary
// line, and a JSON file under bench/results/ (git-ignored) so runs can be compared.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { dockerServerVersion } from '../../src/docker/argv.ts';
import { renderTable } from '../../src/stack/table.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';

export interface MachineInfo {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  docker: string;
  commit: string;
}

export async function machineInfo(root: string): Promise<MachineInfo> {
  const docker = await run(dockerServerVersion());
  const commit = await run(['git', '-C', root, 'rev-parse', '--short', 'HEAD']);
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    docker: docker.exitCode === 0 ? docker.stdout.trim() : 'unavailable',
    commit: commit.exitCode === 0 ? commit.stdout.trim() : 'unknown',
  };
}

/** One line naming the machine, printed before any figure (pure). */
export function describeMachine(m: MachineInfo): string {
  return `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, node ${m.node}, docker ${m.docker}, commit ${m.commit}, ${m.date}`;
}

/** A titled table (pure); rows are already-formatted strings. */
export function formatSection(title: string, header: string[], rows: string[][]): string {
  return `\n${title}\n${renderTable(header, rows)}\n`;
}

/** Results file name: NAME-<date>.json, sortable (pure). */
export function resultsFileName(bench: string, date: string): string {
  return `${bench}-${date.replace(/[:.]/g, '-')}.json`;
}

/** Writes bench/results/NAME-<date>.json and NAME-latest.json; returns the first path. */
export async function saveResults(
  root: string,
  bench: string,
  machine: MachineInfo,
  results: unknown,
): Promise<string> {
  const dir = path.join(root, 'bench', 'results');
  await fs.mkdir(dir, { recursive: true });
  const body = `${JSON.stringify({ bench, machine, results }, null, 2)}\n`;
  const file = path.join(dir, resultsFileName(bench, machine.date));
  await writeFileAtomic(file, body);
  await writeFileAtomic(path.join(dir, `${bench}-latest.json`), body);
  return file;
}
