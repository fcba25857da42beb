// faaso needs Node.js 20 or newer (package.json "engines"). Checked before any
// of its code loads, so an older Node gets one clear message and what to install,
// never a syntax error from deep inside a dependency.

export const NODE_MAJOR_MIN = 20;

/** The message for an unsupported Node version, or null when `version` (e.g. "v18.20.4") will do. */
export function nodeVersionProblem(version, execPath = 'node') {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= NODE_MAJOR_MIN) return null;
  return (
    `error: faaso needs Node.js ${NODE_MAJOR_MIN} or newer; this is Node.js ${version.replace(/^v/, '')} (${execPath})\n` +
    "hint: Debian trixie and newer: `apt-get install nodejs npm` (Node.js 20); Debian bookworm's nodejs is 18: " +
    'install Node.js 20 or newer from https://nodejs.org/en/download or NodeSource (https://github.com/nodesource/distributions), ' +
    'then run `npm ci` again\n'
  );
}

/** Exits 1 with that message on an unsupported Node. */
export function requireSupportedNode() {
  const problem = nodeVersionProblem(process.version, process.execPath);
  if (!problem) return;
  process.stderr.write(problem);
  process.exit(1);
}
