// Pure pieces of building the base image without a registry: the debootstrap and
// import commands, and what makes the root filesystem "slim" the way Debian's
// official -slim images are (dpkg path-excludes, no docs/man/locales, no apt lists).

export interface BootstrapSpec {
  /** debootstrap command or path. */
  debootstrap: string;
  suite: string;
  mirror: string;
  rootfs: string;
}

export const DEFAULT_SUITE = 'trixie';
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

export function debootstrapArgv(s: BootstrapSpec): string[] {
  return [s.debootstrap, '--variant=minbase', s.suite, s.rootfs, s.mirror];
}

/**
 * tar the rootfs into `docker import`. Values are positional ($1, $2), never
 * interpolated; bash for pipefail, so a failing tar cannot import half a tree.
 */
export function importArgv(rootfs: string, image: string): string[] {
  return [
    'bash',
    '-c',
    'set -euo pipefail; tar -C "$1" --numeric-owner -c . | docker import -c "CMD [\\"bash\\"]" - "$2"',
    'bash',
    rootfs,
    image,
  ];
}

/** Directories under /usr/share that a container never reads. */
export const EXCLUDED_SHARE_DIRS = ['doc', 'groff', 'info', 'linda', 'lintian', 'locale', 'man'];

/** dpkg config that keeps later `apt-get install`s in the image slim too. */
export function dpkgExcludes(): string {
  const lines = ["# Slim image: skip files containers do not need (as in Debian's official -slim images)."];
  for (const d of EXCLUDED_SHARE_DIRS) {
    lines.push(`path-exclude /usr/share/${d}/*`);
    // Licences stay: they are what allows redistributing the image.
    if (d === 'doc') lines.push('path-include /usr/share/doc/*/copyright');
  }
  return `${lines.join('\n')}\n`;
}

export interface RootfsFile {
  /** Path relative to the rootfs. */
  path: string;
  content: string;
}

const APT_CLEAN =
  'rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true';

/** Config files written into the rootfs, sorted by path. */
export function slimConfigFiles(): RootfsFile[] {
  return [
    // Same as the official image: no .debs or pkgcache left behind by any apt run.
    {
      path: 'etc/apt/apt.conf.d/docker-clean',
      content: `DPkg::Post-Invoke { "${APT_CLEAN}"; };\nAPT::Update::Post-Invoke { "${APT_CLEAN}"; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n`,
    },
    { path: 'etc/apt/apt.conf.d/docker-no-languages', content: 'Acquire::Languages "none";\n' },
    // Function images name every package they need; recommends only add size.
    { path: 'etc/apt/apt.conf.d/docker-no-recommends', content: 'APT::Install-Recommends "false";\n' },
    { path: 'etc/dpkg/dpkg.cfg.d/docker', content: dpkgExcludes() },
  ];
}

/**
 * Deletes what the excludes would have kept out, plus apt lists, caches, logs and
 * the host's resolv.conf/hostname that debootstrap copies in. $1 = rootfs.
 */
export const SLIM_SCRIPT = [
  'set -eu',
  'r=$1',
  'find "$r/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete',
  'find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete',
  `for d in ${EXCLUDED_SHARE_DIRS.filter((d) => d !== 'doc').join(' ')}; do`,
  '  if [ -d "$r/usr/share/$d" ]; then find "$r/usr/share/$d" -mindepth 1 -delete; fi',
  'done',
  // Keep lists/partial itself: apt wants it owned by _apt.
  'find "$r/var/lib/apt/lists" -maxdepth 1 -type f -delete',
  'find "$r/var/lib/apt/lists/partial" -mindepth 1 -delete',
  'rm -f "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old',
  'rm -f "$r/var/cache/ldconfig/aux-cache"',
  'find "$r/var/log" -type f \\( -name "*.log" -o -path "*/apt/*" \\) -delete',
  // Docker bind-mounts these at run time; the build host's values must not ship.
  ': > "$r/etc/resolv.conf"',
  'echo localhost > "$r/etc/hostname"',
  'if [ -f "$r/etc/machine-id" ]; then : > "$r/etc/machine-id"; fi',
].join('\n');

export const slimArgv = (rootfs: string): string[] => ['sh', '-c', SLIM_SCRIPT, 'sh', rootfs];

/** Apparent size of a tree in bytes (for the report). */
export const duArgv = (dir: string): string[] => ['du', '-sb', dir];
/** Detaches a mount left under the work dir (a failed debootstrap may leave proc/sys mounted). */
export const umountLazyArgv = (mountPoint: string): string[] => ['umount', '-l', mountPoint];
/** Deletes the work dir without crossing into another filesystem (a mount left behind). */
export const removeTreeArgv = (dir: string): string[] => ['rm', '-rf', '--one-file-system', dir];

export function parseDu(stdout: string): number {
  const n = Number(stdout.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : 0;
}

/** Mount points under dir, deepest first, from /proc/mounts text (debootstrap mounts proc/sys in the target). */
export function mountsUnder(procMounts: string, dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return (
    procMounts
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      // /proc/mounts escapes spaces etc. as octal.
      .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
      .filter((p) => p.startsWith(prefix))
      .sort((a, b) => b.length - a.length || a.localeCompare(b))
  );
}
