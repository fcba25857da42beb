// The pure heart of the builder: from a validated function, its template and the
// files of both (with content digests), decide the exact build context, the
// Dockerfile (a template and its values, rendered only when a context is
// written), the content hash and the image names. No I/O here.
import { createHash } from 'node:crypto';
import type { FunctionSpec } from '../function/types.ts';
import type { TemplateMeta } from '../template/types.ts';
import { globMatcher } from '../util/glob.ts';
import { dockerfileVars, type DockerfileVars } from './dockerfile-vars.ts';
import type { BuildProfile } from '../settings.ts';

/** Bump when the context layout, tagging or hashing changes, so old tags are not reused. */
export const BUILD_FORMAT = '2';

export interface SourceFile {
  /** Path relative to its folder, posix separators. */
  rel: string;
  /** Absolute path on disk. */
  abs: string;
  /** sha256 of the content, hex. */
  sha256: string;
  executable: boolean;
}

/** One file of the build context: copied from `src`, or written from `content`. */
export interface ContextEntry {
  dest: string;
  src?: string;
  content?: string;
  sha256: string;
  executable: boolean;
}

export interface ImageNames {
  /** Registry repository, e.g. 127.0.0.1:5000/sum */
  repo: string;
  /** repo:<hash>: what runs, immutable. */
  hashRef: string;
  /** repo:latest */
  latestRef: string;
  /** Local-only tag the build produces; promoted to hashRef only after the tests pass. */
  candidateRef: string;
}

/** A Dockerfile as its template and the values it is rendered with (render.ts). */
export interface DockerfileSource {
  /** The Dockerfile.hbs text. */
  template: string;
  vars: DockerfileVars;
  /** The template's path, for errors. */
  file: string;
}

export interface BuildPlan {
  name: string;
  runtime: string;
  hash: string;
  dockerfile: DockerfileSource;
  entries: ContextEntry[];
  image: ImageNames;
  labels: Record<string, string>;
}

export interface PlanInput {
  spec: FunctionSpec;
  template: TemplateMeta;
  dockerfileTemplate: string;
  templateFiles: SourceFile[];
  functionFiles: SourceFile[];
  registry: string;
  baseImage: string;
  profile: BuildProfile;
}

// Template files that describe the template rather than belong to a function.
const TEMPLATE_ONLY = [/^template\.yml$/, /^Dockerfile\.hbs$/, /^skeleton\//];
const SHIP_MARKER = '.faaso';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Template files overlaid by function files (the function wins), keyed by relative path. */
export function mergeTrees(templateFiles: SourceFile[], functionFiles: SourceFile[]): Map<string, SourceFile> {
  const merged = new Map<string, SourceFile>();
  for (const f of templateFiles) if (!TEMPLATE_ONLY.some((re) => re.test(f.rel))) merged.set(f.rel, f);
  for (const f of functionFiles) if (f.rel !== 'function.yml') merged.set(f.rel, f);
  return new Map([...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Files of the merged tree shipped as-is into /app: template.ship ∪ function.files. */
export function selectShipped(merged: Map<string, SourceFile>, globs: readonly string[]): SourceFile[] {
  const res = globs.map(globMatcher);
  return [...merged.values()].filter((f) => res.some((re) => re.test(f.rel)));
}

export function imageNames(registry: string, name: string, hash: string): ImageNames {
  const repo = `${registry}/${name}`;
  return {
    repo,
    hashRef: `${repo}:${hash}`,
    latestRef: `${repo}:latest`,
    candidateRef: `faaso-candidate/${name}:${hash}`,
  };
}

/**
 * The values a template can read: those it names, or all of them when it reads
 * the context as a whole (`this`, `.`, `..`, `@root`, `lookup`). A runtime whose
 * template never names `profile` then builds one image for both profiles.
 */
export function valuesRead(template: string, vars: DockerfileVars): Partial<DockerfileVars> {
  const mustaches = [...template.matchAll(/\{\{([^}]*)\}\}/g)].map((m) => m[1]!);
  if (mustaches.some((m) => /\bthis\b|@root|\blookup\b|(^|[\s(~#^/>&{])\.\.?(?=[\s)~]|$)/.test(m))) return vars;
  const named = new Set(mustaches.flatMap((m) => m.match(/[A-Za-z_]\w*/g) ?? []));
  return Object.fromEntries(Object.entries(vars).filter(([k]) => named.has(k)));
}

export function contentHash(
  dockerfile: DockerfileSource,
  entries: readonly ContextEntry[],
  functionYmlSha: string,
): string {
  const h = createHash('sha256');
  h.update(`faaso-build-${BUILD_FORMAT}\n`);
  // The template's text and the values it reads decide the rendered Dockerfile
  // (Handlebars is deterministic), so the hash needs no render: an up-to-date
  // build never loads Handlebars.
  const read = valuesRead(dockerfile.template, dockerfile.vars);
  h.update(`dockerfile ${sha256(dockerfile.template)} ${sha256(JSON.stringify(read))}\n`);
  // function.yml is not in the context, but its tests decide whether an image is
  // good: a changed test must not be skipped as "up to date".
  h.update(`function.yml ${functionYmlSha}\n`);
  for (const e of entries) h.update(`${e.dest}\0${e.executable ? 'x' : '-'}\0${e.sha256}\n`);
  return h.digest('hex').slice(0, 12);
}

export function planBuild(input: PlanInput): BuildPlan {
  const { spec, template } = input;
  const merged = mergeTrees(input.templateFiles, input.functionFiles);
  const shipped = selectShipped(merged, [...template.ship, ...spec.files]);
  const dockerfile: DockerfileSource = {
    template: input.dockerfileTemplate,
    vars: dockerfileVars(spec, template, input.baseImage, input.profile),
    file: `templates/${template.name}/Dockerfile.hbs`,
  };
  const marker = `${spec.name}\n`;
  const entries: ContextEntry[] = [
    ...[...merged.values()].map((f) => ({
      dest: `function/${f.rel}`,
      src: f.abs,
      sha256: f.sha256,
      executable: f.executable,
    })),
    ...shipped.map((f) => ({ dest: `app/${f.rel}`, src: f.abs, sha256: f.sha256, executable: f.executable })),
    { dest: `app/${SHIP_MARKER}`, content: marker, sha256: sha256(marker), executable: false },
  ].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
  const ymlSha = input.functionFiles.find((f) => f.rel === 'function.yml')?.sha256 ?? '';
  const hash = contentHash(dockerfile, entries, ymlSha);
  return {
    name: spec.name,
    runtime: spec.runtime,
    hash,
    dockerfile,
    entries,
    image: imageNames(input.registry, spec.name, hash),
    labels: { 'faaso.function': spec.name, 'faaso.hash': hash, 'faaso.runtime': spec.runtime },
  };
}
