// Reading FAASO_EXEC_LOG (one JSON line per command src/exec/runner.ts ran):
// how many Docker calls a command made, of which kind, and how long they took
// in total. Pure, so the counting is unit-tested.

export interface ExecEntry {
  argv: string[];
  /** performance.now() of the child process at start. */
  at: number;
  ms: number;
  exit: number;
}

export function parseExecLog(text: string): ExecEntry[] {
  const out: ExecEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as Partial<ExecEntry>;
      if (Array.isArray(e.argv))
        out.push({ argv: e.argv.map(String), at: Number(e.at ?? 0), ms: Number(e.ms ?? 0), exit: Number(e.exit ?? 0) });
    } catch {
      // a line cut short by a killed process: skip it
    }
  }
  return out;
}

/**
 * A short name for a command: "docker compose up", "docker image inspect",
 * "docker exec caddy reload" — the words that tell what kind of call it was.
 */
export function execKind(argv: readonly string[]): string {
  if (argv[0] !== 'docker') return argv[0] ?? '';
  const rest = argv.slice(1);
  if (rest[0] === 'compose') {
    // docker compose -f FILE -p NAME <verb>
    const verb = rest.slice(1).find((a, i, all) => !a.startsWith('-') && !['-f', '-p'].includes(all[i - 1] ?? ''));
    return `docker compose ${verb ?? ''}`.trim();
  }
  if (rest[0] === 'image' || rest[0] === 'container' || rest[0] === 'buildx')
    return `docker ${rest[0]} ${rest[1] ?? ''}`.trim();
  if (rest[0] === 'exec') {
    const caddy = rest.indexOf('caddy');
    return caddy >= 0 ? `docker exec caddy ${rest[caddy + 1] ?? ''}`.trim() : 'docker exec';
  }
  if (rest[0] === 'run' && rest.includes('validate')) return 'docker run caddy validate';
  return `docker ${rest[0] ?? ''}`;
}

export interface ExecSummary {
  /** Commands whose argv[0] is docker. */
  dockerCalls: number;
  /** Sum of their wall times (they may overlap when run in parallel). */
  dockerMs: number;
  /** Kind → count, sorted by count then name. */
  kinds: [string, number][];
}

export function summarizeExec(entries: readonly ExecEntry[]): ExecSummary {
  const docker = entries.filter((e) => e.argv[0] === 'docker');
  const counts = new Map<string, number>();
  for (const e of docker) counts.set(execKind(e.argv), (counts.get(execKind(e.argv)) ?? 0) + 1);
  const kinds = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { dockerCalls: docker.length, dockerMs: docker.reduce((a, e) => a + e.ms, 0), kinds };
}

/** "12× docker image inspect, 3× docker compose up" (the top `limit` kinds). */
export function formatKinds(s: ExecSummary, limit = 4): string {
  return s.kinds
    .slice(0, limit)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');
}
