// Pure decision for building the base image when it is neither local nor
// pullable: build with debootstrap, install debootstrap first, or explain.
import { UserError } from '../errors.ts';
import { seconds } from '../setup/steps.ts';
import { firstLine } from '../util/text.ts';

export interface BuilderFacts {
  image: string;
  /** The debootstrap command or path in use. */
  debootstrap: string;
  /** It resolves to an executable. */
  found: boolean;
  debian: boolean;
  root: boolean;
}

export type BuilderPlan = { installDebootstrap: boolean };

/** How to fix it without debootstrap: carry the image over from a connected machine. */
export function offlineHint(image: string): string {
  const file = `${image.replace(/[^A-Za-z0-9._-]+/g, '-')}.tar`;
  return (
    `on a machine that can reach Docker Hub: \`docker pull ${image} && docker save ${image} -o ${file}\`, ` +
    `copy ${file} here and \`docker load -i ${file}\``
  );
}

export function planBaseBuild(f: BuilderFacts): BuilderPlan {
  const head = `base image: ${f.image} is not available locally and cannot be pulled`;
  // Only the plain command name can be fixed by installing the package; an explicit
  // path that does not exist is a configuration mistake.
  const installable = f.debootstrap === 'debootstrap' && f.debian && f.root;
  if (!f.found && !installable) {
    const how = f.debian
      ? `install debootstrap as root (\`apt-get install debootstrap\`)`
      : 'install debootstrap (your distribution packages it)';
    throw new UserError(
      `${head}, and debootstrap (${f.debootstrap}) is not installed to build it`,
      `${how} and re-run \`npx zx scripts/setup.mjs\`; or ${offlineHint(f.image)}`,
    );
  }
  if (!f.root) {
    throw new UserError(
      `${head}, and building it with debootstrap needs root`,
      `run \`sudo npx zx scripts/setup.mjs\` once; or ${offlineHint(f.image)}`,
    );
  }
  return { installDebootstrap: !f.found };
}

/** A short reason from docker pull's error output: "registry-1.docker.io: no such host". */
export function pullFailure(stderr: string, elapsedMs: number, timeoutMs: number): string {
  if (elapsedMs >= timeoutMs) return `no answer within ${seconds(timeoutMs)}`;
  const line = firstLine(stderr).replace(/^Error response from daemon:\s*/, '');
  if (!line) return 'pull failed';
  // Network errors nest "Get URL: dial tcp: lookup HOST on DNS: no such host"; the host and the last part say it all.
  const host = /https?:\/\/([^/"]+)/.exec(line)?.[1];
  const last = line.split(': ').pop()!.trim();
  const short = host ? `${host}: ${last}` : line;
  return short.length > 160 ? `${short.slice(0, 157)}…` : short;
}
