// Every user mistake through the real scripts: one clear message naming the file
// and field, a non-zero exit, and nothing built, tagged or pushed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { docker, dockerOk, requireDocker, runScript, tempProject, writeFunction } from './helpers.ts';

const test = suite('bad input');
let project: Awaited<ReturnType<typeof tempProject>>;

const ok = { 'handler.py': 'def handle(req):\n    return "hi"\n' };

async function expectBuildError(name: string, files: Record<string, string>, patterns: RegExp[]): Promise<void> {
  await writeFunction(project.root, name, files);
  const r = await runScript('build', [name], project.env);
  assert.is(r.code, 1, r.output);
  for (const p of patterns) assert.match(r.stderr, p);
  assert.not.match(r.output, /building|internal error/);
}

test.before(async () => {
  await requireDocker();
  project = await tempProject();
});
test.after(async () => {
  await project.cleanup();
  const left = await docker('images', '-q', '--filter', 'reference=faaso-candidate/*');
  assert.is(left, '', 'candidate images left behind');
});

test('unknown runtime lists the known ones', async () => {
  await expectBuildError('bad-runtime', { ...ok, 'function.yml': 'runtime: pyhton\n' }, [
    /functions\/bad-runtime\/function\.yml: runtime: unknown runtime "pyhton" \(available: crystal, node, python\)/,
  ]);
});

test('messages escape non-printing characters and line separators from a user file', async () => {
  // An escape sequence (clear screen), U+2028, U+2029 and U+0085 in a value faaso quotes back.
  await expectBuildError('faasohard-escapes', { ...ok, 'function.yml': 'runtime: "py\\e[2Jthon\\L\\P\\N"\n' }, [
    /runtime: unknown runtime "py\\u001b\[2Jthon\\u2028\\u2029\\u0085"/,
  ]);
  const r = await runScript('build', ['faasohard-escapes'], project.env);
  assert.not.match(r.output, /[\u001b\u0085\u2028\u2029]/);
});

test('invalid function name', async () => {
  await expectBuildError('Bad_Name', { ...ok, 'function.yml': 'runtime: python\n' }, [/Bad_Name/, /name/i]);
});

test('missing function.yml and unknown function', async () => {
  await writeFunction(project.root, 'no-yml', ok);
  const r = await runScript('build', ['no-yml'], project.env);
  assert.is(r.code, 1);
  assert.match(r.stderr, /functions\/no-yml/);
  assert.match(r.stderr, /function\.yml/);
  const u = await runScript('build', ['does-not-exist'], project.env);
  assert.is(u.code, 1);
  assert.match(u.stderr, /does-not-exist/);
});

test('malformed YAML reports line and column', async () => {
  await expectBuildError(
    'bad-yaml',
    { ...ok, 'function.yml': 'runtime: python\ntests:\n  - name: x\n   request: [\n' },
    [/functions\/bad-yaml\/function\.yml/, /line \d+, column \d+/],
  );
});

test('injection through packages is refused before any Dockerfile is rendered', async () => {
  await expectBuildError(
    'inject',
    { ...ok, 'function.yml': 'runtime: python\npackages:\n  build: ["curl\\nRUN rm -rf /"]\n' },
    [/functions\/inject\/function\.yml: packages\.build\[0\]/, /"curl\\nRUN rm -rf \/"/],
  );
});

test('a package name apt-get could read as a regex fails the build instead of installing what it matches', async () => {
  // "libz.a" is a valid Debian name; without Pattern-Only apt-get installs every package matching /libz.a/.
  await writeFunction(project.root, 'faasohard-apt', {
    ...ok,
    'function.yml': 'runtime: python\npackages:\n  build: ["libz.a"]\n',
  });
  const r = await runScript('build', ['faasohard-apt', '--no-push', '--no-test'], project.env);
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /Unable to locate package libz\.a/);
  assert.match(r.stderr, /faasohard-apt: docker build failed .*the previous image is unchanged/);
  assert.not.match(r.output, /newly installed/);
});

test('test requests that can never be sent are refused before any build', async () => {
  await expectBuildError(
    'faasohard-unsendable',
    {
      ...ok,
      'function.yml':
        'runtime: python\ntests:\n  - name: a\n    request: {body: x, headers: {connection: upgrade, x-price: "5 €"}}\n',
    },
    [
      /tests\[0\]\.request\.body: a GET request cannot have a body/,
      /tests\[0\]\.request\.headers\.connection: connection is a hop-by-hop header/,
      /tests\[0\]\.request\.headers\.x-price: cannot be sent: header values are bytes/,
    ],
  );
});

test('files that escape the function folder are refused', async () => {
  await expectBuildError(
    'escape',
    { ...ok, 'function.yml': 'runtime: python\nfiles: ["../secret", "/etc/passwd"]\n' },
    [/files\[0\]/, /files\[1\]/],
  );
});

test('missing handler names the file the runtime needs', async () => {
  await expectBuildError('no-handler', { 'function.yml': 'runtime: python\n', 'other.py': 'x = 1\n' }, [/handler\.py/]);
});

test('every problem is reported at once', async () => {
  await expectBuildError(
    'many',
    { ...ok, 'function.yml': 'runtime: python\nenv:\n  "bad key": x\ntests:\n  - request: {path: nope}\n' },
    [/problems/, /env/, /tests\[0\]/],
  );
});

test('Docker not running', async () => {
  await writeFunction(project.root, 'good', { ...ok, 'function.yml': 'runtime: python\n' });
  const r = await runScript('build', ['good'], {
    ...project.env,
    DOCKER_HOST: 'unix:///tmp/faaso-no-such-docker.sock',
  });
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /Docker is not running or not reachable/);
  assert.match(r.stderr, /hint: .*setup\.mjs/);
  // The engine is checked while the project is read; the project's own mistake is still the one reported.
  const mistake = await runScript('build', ['no-such-function'], {
    ...project.env,
    DOCKER_HOST: 'unix:///tmp/faaso-no-such-docker.sock',
  });
  assert.is(mistake.code, 1, mistake.output);
  assert.match(mistake.stderr, /no-such-function/);
  assert.not.match(mistake.stderr, /Docker is not running/);
});

test('registry unreachable', async () => {
  await writeFunction(project.root, 'good', { ...ok, 'function.yml': 'runtime: python\n' });
  const r = await runScript('build', ['good'], { ...project.env, FAASO_REGISTRY: 'registry.invalid:5000' });
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /registry registry\.invalid:5000 is unreachable/);
  assert.match(r.stderr, /--no-push/);
});

test('registry port already taken by another program', async () => {
  const server = net.createServer((s) => s.end('not a registry\n'));
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = await runScript('registry', ['start'], { ...project.env, FAASO_REGISTRY: `127.0.0.1:${port}` });
    assert.is(r.code, 1, r.output);
    assert.match(r.stderr, /already in use/);
    // Nothing left behind: no container, no volume.
    assert.not.ok(await dockerOk('volume', 'inspect', `faaso-registry-${port}-data`), 'volume left behind');
    assert.not.ok(await dockerOk('container', 'inspect', `faaso-registry-${port}`), 'container left behind');
  } finally {
    server.close();
  }
});

test('usage errors: no name, unknown flag', async () => {
  const none = await runScript('build', [], project.env);
  assert.is(none.code, 1);
  assert.match(none.stderr, /name at least one function/);
  const flag = await runScript('build', ['--frobnicate'], project.env);
  assert.is(flag.code, 1);
  assert.match(flag.stderr, /frobnicate/);
  assert.match(flag.stderr, /usage:/);
});

test.run();
