// Pure parts of the build bench: which functions stand for which runtime, how a
// one-line change is made, and what faaso's and BuildKit's output say about a
// build (phase times, whether the dependency layers were reused).
import type { BuildProfile } from '../../src/settings.ts';

export interface RuntimeCase {
  /** What the bench's tables and `--runtimes` call the case: the runtime, or runtime-profile. */
  id: string;
  runtime: string;
  /** FAASO_BUILD_PROFILE of every build of the case. */
  profile: BuildProfile;
  /** Bundled example copied into the temp project. */
  source: string;
  /** Handler file, relative to the function folder (and to the context's function/ and app/). */
  handler: string;
  /**
   * The one-line change: a line of code appended to the handler, which the
   * function runs, so a compiled runtime must compile it again (a new comment
   * could leave the generated code, and so the compiler's cache, as it was).
   */
  change: (tag: string) => string;
}

const crystal = {
  runtime: 'crystal',
  source: 'hello',
  handler: 'src/handler.cr',
  // Redefines hello's greeting (a later def wins) with a new literal in its body; it still answers "Hello".
  change: (tag: string) => `def greeting : String; ENV.fetch("GREETING", "Hello").lchop("${tag}"); end\n`,
};
export const RUNTIME_CASES: readonly RuntimeCase[] = [
  {
    id: 'python',
    runtime: 'python',
    profile: 'release',
    source: 'sum',
    handler: 'handler.py',
    change: (tag) => `FAASO_BENCH_CHANGE = "${tag}"\n`,
  },
  {
    id: 'node',
    runtime: 'node',
    profile: 'release',
    source: 'multiply',
    handler: 'handler.js',
    // An assignment, not a declaration: the bench appends several changes to one file.
    change: (tag) => `globalThis.FAASO_BENCH_CHANGE = '${tag}';\n`,
  },
  { id: 'crystal', profile: 'release', ...crystal },
  // The edit-loop profile: one-line changes against the release build, in the same run.
  { id: 'crystal-fast', profile: 'fast', ...crystal },
];

/** Bench copies get their own names, so their images and tags never touch the real ones. */
export const benchName = (c: RuntimeCase): string =>
  `faaso-bench-${c.source}${c.profile === 'release' ? '' : `-${c.profile}`}`;

/** The line appended for a one-line change; the nonce keeps BuildKit from finding it cached from an earlier run. */
export const changeLine = (c: RuntimeCase, what: string, nonce: string): string =>
  c.change(`faaso bench: ${what} ${nonce}`.replace(/[^\w :-]/g, ''));

/** `--runtimes a,b` → the matching cases, in the bench's fixed order; unknown names are returned apart. */
export function selectRuntimes(list: string | undefined, quick: boolean): { cases: RuntimeCase[]; unknown: string[] } {
  const wanted = list
    ? list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : quick
      ? ['python']
      : RUNTIME_CASES.map((c) => c.id);
  return {
    cases: RUNTIME_CASES.filter((c) => wanted.includes(c.id)),
    unknown: wanted.filter((w) => !RUNTIME_CASES.some((c) => c.id === w)),
  };
}

export interface InstallStep {
  step: string;
  text: string;
  cached: boolean;
}

// Steps that install something: Debian packages or the function's own dependencies.
const INSTALL = /\bRUN\b.*(apt-get install|pip install|npm ci|npm install|shards install)/;

/** Install steps of BuildKit's plain progress output, and whether each was CACHED. */
export function installSteps(buildkitOutput: string): InstallStep[] {
  const steps: InstallStep[] = [];
  for (const m of buildkitOutput.matchAll(/^#(\d+) (\[[^\]]+\] .*)$/gm)) {
    if (INSTALL.test(m[2]!) && !steps.some((s) => s.step === m[1]))
      steps.push({ step: m[1]!, text: m[2]!, cached: false });
  }
  for (const s of steps) s.cached = new RegExp(`^#${s.step} CACHED$`, 'm').test(buildkitOutput);
  return steps;
}

/** "yes (3/3)" when every install step was reused; "no (1/3)" otherwise; "-" when none was seen. */
export function depsVerdict(steps: readonly InstallStep[]): { reused: boolean | null; text: string } {
  if (steps.length === 0) return { reused: null, text: '-' };
  const cached = steps.filter((s) => s.cached).length;
  const reused = cached === steps.length;
  return { reused, text: `${reused ? 'yes' : 'no'} (${cached}/${steps.length})` };
}

export interface TimedLine {
  ms: number;
  text: string;
}

export interface Phases {
  /** Before docker build starts (node startup, planning, checks) plus after the summary line (exit). */
  overheadMs: number;
  dockerMs: number;
  testsMs: number;
  pushMs: number;
}

/**
 * Splits one faaso build of `name` into phases by when its log lines arrived:
 * "building" → "running N test(s)" → "pushing" → "✓ name: built". Null when a
 * marker is missing (an up-to-date run has no phases).
 */
export function phasesFromLines(lines: readonly TimedLine[], name: string, totalMs: number): Phases | null {
  const at = (re: RegExp): number | undefined => lines.find((l) => re.test(l.text))?.ms;
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const building = at(new RegExp(`^${esc}: building `));
  const tests = at(new RegExp(`^${esc}: running \\d+ test`));
  const push = at(new RegExp(`^${esc}: pushing `));
  const done = at(new RegExp(`^✓ ${esc}: built in `));
  if (building === undefined || done === undefined) return null;
  const testsStart = tests ?? push ?? done;
  const pushStart = push ?? done;
  return {
    overheadMs: building + (totalMs - done),
    dockerMs: testsStart - building,
    testsMs: pushStart - testsStart,
    pushMs: done - pushStart,
  };
}

/** faaso's own "built in 12.3s" / "up to date in 0.1s" figure for `name`, in ms. */
export function reportedMs(stdout: string, name: string): number | null {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`✓ ${esc}: (?:built|up to date) in ([0-9.]+)s`).exec(stdout);
  return m ? Number(m[1]) * 1000 : null;
}
