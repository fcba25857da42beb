import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError, ValidationError, formatProblem } from '../../src/errors.ts';
import {
  listContextFiles,
  listFiles,
  listFunctionNames,
  loadAllFunctions,
  loadFunction,
  loadFunctions,
} from '../../src/function/load.ts';
import { loadTemplate, loadTemplates } from '../../src/template/load.ts';
import type { TemplateMeta } from '../../src/template/types.ts';
import { isSkippedName } from '../../src/util/list-files.ts';
import { readSourceFiles } from '../../src/build/context.ts';

const PY_TEMPLATE = `description: Python
handler: handler.py
ship: ["**/*.py"]
packages: {build: [python3], run: [python3]}
cmd: ["/usr/bin/python3", "/app/server.py"]
healthcheck: ["/usr/bin/python3", "/app/server.py", "--healthcheck"]
`;

const roots: string[] = [];

/** A project in a fresh temp dir with the given files (path -> content). */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-load-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

const pythonTemplateFiles = {
  'templates/python/template.yml': PY_TEMPLATE,
  'templates/python/Dockerfile.hbs': 'FROM {{baseImage}}\n',
  'templates/python/server.py': '',
  'templates/python/skeleton/function.yml': 'runtime: python\n',
  'templates/python/skeleton/handler.py': 'def handle(req): return "hi"\n',
};

const runtimes = (): Map<string, TemplateMeta> =>
  new Map([
    [
      'python',
      {
        name: 'python',
        dir: '/t/python',
        description: 'Python',
        handler: 'handler.py',
        ship: ['**/*.py'],
        packages: { build: [], run: [] },
        cmd: ['x'],
        healthcheck: ['x'],
      },
    ],
  ]);

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

test.after.each(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

test('listFunctionNames: sorted folders with a function.yml; others and hidden ones skipped', async () => {
  const root = project({
    'functions/zeta/function.yml': 'runtime: python\n',
    'functions/alpha/function.yml': 'runtime: python\n',
    'functions/notes/README.md': '',
    'functions/.alpha.faaso-new-1/function.yml': 'runtime: python\n',
    'functions/file.yml': '',
  });
  assert.equal(await listFunctionNames(root), ['alpha', 'zeta']);
  assert.equal(await listFunctionNames(project({})), []);
});

test('loadFunction reads, lists and validates one function', async () => {
  const root = project({
    'functions/sum/function.yml':
      'runtime: python\nfiles: ["data/*.json"]\nenv: {LIMIT: "10"}\ntests:\n  - name: adds\n    request: {method: post, json: {numbers: [1, 2]}}\n    expect: {json: {sum: 3}}\n',
    'functions/sum/handler.py': '',
    'functions/sum/data/a.json': '{}',
  });
  const spec = await loadFunction(root, 'sum', runtimes());
  assert.is(spec.name, 'sum');
  assert.is(spec.dir, path.join(root, 'functions/sum'));
  assert.is(spec.file, 'functions/sum/function.yml');
  assert.equal(spec.env, { LIMIT: '10' });
  assert.equal(spec.tests[0]!.request, { method: 'POST', path: '/', headers: {}, json: { numbers: [1, 2] } });
});

test('env values YAML would turn into numbers or booleans are refused, as written in function.yml', async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\nenv:\n  VERSION: 1.10\n  MASK: 0x1F\n  DEBUG: True\n  MODE: on\n',
    'functions/sum/handler.py': '',
  });
  const err = await rejection(loadFunction(root, 'sum', runtimes()));
  assert.instance(err, ValidationError);
  assert.equal(
    (err as ValidationError).problems.map((p) => `${p.field}: ${p.message.split(':')[0]}`),
    [
      'env.VERSION: YAML reads this value as the number 1.1, not as text',
      'env.MASK: YAML reads this value as the number 31, not as text',
      'env.DEBUG: YAML reads this value as the boolean true, not as text',
    ],
  );
});

test('a missing function folder is a UserError naming the folder, with the available ones as hint', async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\n',
    'functions/hello/function.yml': 'runtime: python\n',
  });
  const err = await rejection(loadFunction(root, 'summ', runtimes()));
  assert.instance(err, UserError);
  assert.is(err.message, 'no function "summ" (functions/summ/ does not exist)');
  assert.is((err as UserError).hint, 'available: hello, sum (did you mean "sum"?)');
  const none = await rejection(loadFunction(project({}), 'x', runtimes()));
  assert.match((none as UserError).hint!, /no functions yet/);
});

test('several missing functions are reported together', async () => {
  const root = project({ 'functions/sum/function.yml': 'runtime: python\n' });
  const err = await rejection(loadFunctions(root, ['a', 'sum', 'b'], runtimes()));
  assert.is(err.message, 'no functions "a", "b" (not found under functions/)');
});

test('a folder without function.yml is a clear error', async () => {
  const root = project({ 'functions/sum/handler.py': '' });
  const err = await rejection(loadFunction(root, 'sum', runtimes()));
  assert.instance(err, UserError);
  assert.is(err.message, 'functions/sum/function.yml is missing');
  assert.match((err as UserError).hint!, /skeleton\/function\.yml/);
});

test('path-like names never reach the disk', async () => {
  const root = project({ 'secret/function.yml': 'runtime: python\n' });
  for (const name of ['../secret', '..', '.', '', 'a/b', 'a\\b']) {
    const err = await rejection(loadFunction(root, name, runtimes()));
    assert.instance(err, UserError, name);
    assert.match(err.message, /^invalid function name/, name);
  }
});

test('YAML syntax errors name file, line and column', async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\ntests:\n  - name: x\n   request: {}\n',
    'functions/sum/handler.py': '',
  });
  const err = await rejection(loadFunction(root, 'sum', runtimes()));
  assert.instance(err, ValidationError);
  assert.match(err.message, /^functions\/sum\/function\.yml: line 4, column \d+: /);
});

test('an empty function.yml says so', async () => {
  const root = project({ 'functions/sum/function.yml': '# todo\n', 'functions/sum/handler.py': '' });
  assert.is(
    (await rejection(loadFunction(root, 'sum', runtimes()))).message,
    'functions/sum/function.yml: file is empty',
  );
});

test('the exact runtime message reaches the user', async () => {
  const root = project({ 'functions/sum/function.yml': 'runtime: pyhton\n', 'functions/sum/handler.py': '' });
  const meta = runtimes().get('python')!;
  const all = new Map([
    ['crystal', { ...meta, name: 'crystal' }],
    ['node', { ...meta, name: 'node' }],
    ['python', meta],
  ]);
  const err = await rejection(loadFunction(root, 'sum', all));
  assert.is(
    err.message,
    'functions/sum/function.yml: runtime: unknown runtime "pyhton" (available: crystal, node, python); did you mean "python"?',
  );
});

test('the file list is recursive, sorted, posix, and skips caches and VCS data', async () => {
  const dir = path.join(
    project({
      'f/handler.py': '',
      'f/b/z.txt': '',
      'f/b/a.txt': '',
      'f/B.txt': '',
      'f/node_modules/x/index.js': '',
      'f/.git/config': '',
      'f/__pycache__/handler.cpython-313.pyc': '',
      'f/lib/mod.pyc': '',
      'f/.DS_Store': '',
      'f/.env': 'KEEP=1',
    }),
    'f',
  );
  assert.equal(await listFiles(dir), ['.env', 'B.txt', 'b/a.txt', 'b/z.txt', 'handler.py']);
  assert.ok(isSkippedName('node_modules') && isSkippedName('x.pyc') && !isSkippedName('x.py'));
});

test('symlinks inside the folder are listed; escaping, broken and folder symlinks are errors', async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\n',
    'functions/sum/handler.py': '',
    'functions/sum/data/real.json': '{}',
    'outside.txt': 'secret',
  });
  const dir = path.join(root, 'functions/sum');
  fs.symlinkSync('data/real.json', path.join(dir, 'alias.json'));
  assert.equal(await listFiles(dir), ['alias.json', 'data/real.json', 'function.yml', 'handler.py']);

  fs.symlinkSync(path.join(root, 'outside.txt'), path.join(dir, 'data/leak.txt'));
  fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd'));
  fs.symlinkSync('nowhere.txt', path.join(dir, 'broken.txt'));
  fs.symlinkSync('data', path.join(dir, 'datalink'));
  const err = await rejection(loadFunction(root, 'sum', runtimes()));
  assert.instance(err, ValidationError);
  const lines = (err as ValidationError).problems.map(formatProblem);
  assert.equal(lines, [
    'functions/sum/broken.txt: broken symlink (to nowhere.txt); remove it or copy the file in',
    `functions/sum/data/leak.txt: symlink points outside functions/sum/ (to ${fs.realpathSync(path.join(root, 'outside.txt'))}); copy the file into the folder instead`,
    'functions/sum/datalink: symlinked folders are not supported; use a real folder',
    'functions/sum/passwd: symlink points outside functions/sum/ (to /etc/passwd); copy the file into the folder instead',
  ]);
});

test('the build context leaves out dotfiles, editor files and what .faasoignore names; their bad links are no error', async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\nfiles: [".well-known/*"]\n',
    'functions/sum/handler.py': '',
    'functions/sum/handler.py~': 'OLD_PASSWORD = 1',
    'functions/sum/.env': 'TOKEN=x',
    'functions/sum/.ssh/id_ed25519': 'key',
    'functions/sum/.vscode/settings.json': '{}',
    'functions/sum/.handler.py.swp': '',
    'functions/sum/.well-known/security.txt': 'hi',
    'functions/sum/.faasoignore': '# local only\n*.log\nscratch/\n',
    'functions/sum/debug.log': '',
    'functions/sum/scratch/notes.md': '',
    'outside.txt': 'secret',
  });
  const dir = path.join(root, 'functions/sum');
  // An editor's dangling lock link and an ignored link to outside would be errors if they entered.
  fs.symlinkSync('user@host.1234', path.join(dir, '.#handler.py'));
  fs.symlinkSync(path.join(root, 'outside.txt'), path.join(dir, 'scratch/leak.txt'));
  const spec = await loadFunction(root, 'sum', runtimes());
  assert.equal(spec.ignore, ['# local only', '*.log', 'scratch/', '']);
  assert.equal(await listContextFiles(spec), ['.well-known/security.txt', 'function.yml', 'handler.py']);

  // A link that does enter is still refused, at load and when the context is listed.
  fs.symlinkSync(path.join(root, 'outside.txt'), path.join(dir, 'leak.txt'));
  const err = await rejection(loadFunction(root, 'sum', runtimes()));
  assert.match(
    formatProblem((err as ValidationError).problems[0]!),
    /^functions\/sum\/leak\.txt: symlink points outside/,
  );
  const late = await rejection(listContextFiles(spec));
  assert.instance(late, ValidationError);
});

test('a function folder linked from outside the project is refused', async () => {
  const root = project({ 'functions/.keep': '' });
  const elsewhere = project({ 'function.yml': 'runtime: python\n', 'handler.py': '' });
  fs.symlinkSync(elsewhere, path.join(root, 'functions/sum'));
  const err = await rejection(loadFunction(root, 'sum', runtimes()));
  assert.instance(err, UserError);
  assert.match(err.message, /^functions\/sum points outside the project \(to /);
  assert.match((err as UserError).hint ?? '', /copy the function into functions\//);
});

test('a file that became a link to outside after listing is refused when read into the context', async () => {
  const root = project({ 'f/a.txt': 'a', 'outside.txt': 'secret' });
  const dir = path.join(root, 'f');
  assert.is((await readSourceFiles(dir, ['a.txt']))[0]!.abs, fs.realpathSync(path.join(dir, 'a.txt')));
  fs.rmSync(path.join(dir, 'a.txt'));
  fs.symlinkSync(path.join(root, 'outside.txt'), path.join(dir, 'a.txt'));
  const err = await rejection(readSourceFiles(dir, ['a.txt']));
  assert.instance(err, ValidationError);
  assert.match(err.message, /points outside/);
});

test('validation problems and file problems of several functions come in one error', async () => {
  const root = project({
    'functions/a/function.yml': 'runtime: python\nfiles: ["../secret"]\n',
    'functions/a/handler.py': '',
    'functions/b/function.yml': 'runtime: python\npackges: []\n',
    'functions/ok/function.yml': 'runtime: python\n',
    'functions/ok/handler.py': '',
  });
  const err = await rejection(loadAllFunctions(root, runtimes()));
  assert.instance(err, ValidationError);
  assert.equal((err as ValidationError).problems.map(formatProblem), [
    'functions/a/function.yml: files[0]: invalid glob "../secret": must not contain ".." (only files inside the folder can be used)',
    'functions/b/function.yml: packges: unknown field "packges" (did you mean "packages"?)',
    'functions/b/function.yml: runtime: the python runtime needs a handler file handler.py, but functions/b/handler.py does not exist (start from templates/python/skeleton/handler.py)',
  ]);
  assert.match(err.message, /^3 problems:\n/);
});

test('loadAllFunctions returns every function sorted by name', async () => {
  const root = project({
    'functions/b/function.yml': 'runtime: python\n',
    'functions/b/handler.py': '',
    'functions/a/function.yml': 'runtime: python\ndescription: first\n',
    'functions/a/handler.py': '',
  });
  const specs = await loadAllFunctions(root, runtimes());
  assert.equal(
    specs.map((s) => [s.name, s.description]),
    [
      ['a', 'first'],
      ['b', ''],
    ],
  );
});

test('an upper-case folder name is loaded and then reported by the validator', async () => {
  const root = project({ 'functions/Sum/function.yml': 'runtime: python\n', 'functions/Sum/handler.py': '' });
  const err = await rejection(loadFunction(root, 'Sum', runtimes()));
  assert.instance(err, ValidationError);
  assert.match(err.message, /^functions\/Sum\/function\.yml: name: "Sum": a function name must be a DNS label/);
});

// ---- templates ----

test('loadTemplates: every templates/*/template.yml, sorted; folders without one are skipped', async () => {
  const crystal = Object.fromEntries(
    Object.entries(pythonTemplateFiles).map(([k, v]) => [k.replace('python', 'crystal'), v]),
  );
  const root = project({ ...crystal, ...pythonTemplateFiles, 'templates/node/skeleton/handler.js': '' });
  const map = await loadTemplates(root);
  assert.equal([...map.keys()], ['crystal', 'python']);
  const py = map.get('python')!;
  assert.is(py.dir, path.join(root, 'templates/python'));
  assert.equal(py.packages, { build: ['python3'], run: ['python3'] });
  assert.equal((await loadTemplate(root, 'python')).handler, 'handler.py');
  assert.equal((await loadTemplates(project({}))).size, 0);
});

test('loadTemplates reports every problem of every template', async () => {
  const root = project({
    ...pythonTemplateFiles,
    'templates/python/template.yml': PY_TEMPLATE.replace(
      'packages: {build: [python3], run: [python3]}',
      'packages: {build: ["python3 && curl x"], run: [python3]}',
    ),
    'templates/broken/template.yml': 'description: [\n',
  });
  const err = await rejection(loadTemplates(root));
  assert.instance(err, ValidationError);
  const lines = (err as ValidationError).problems.map(formatProblem);
  assert.is(lines.length, 2);
  assert.match(lines[0]!, /^templates\/broken\/template\.yml: line \d+, column \d+: /);
  assert.match(
    lines[1]!,
    /^templates\/python\/template\.yml: packages\.build\[0\]: invalid Debian package name "python3 && curl x"/,
  );
});

test('loadTemplate of an unknown runtime lists the available ones', async () => {
  const err = await rejection(loadTemplate(project(pythonTemplateFiles), 'ruby'));
  assert.instance(err, UserError);
  assert.is(err.message, 'no runtime "ruby" (templates/ruby/template.yml does not exist)');
  assert.is((err as UserError).hint, 'available: python');
});

test('templates and functions load together end to end', async () => {
  const root = project({
    ...pythonTemplateFiles,
    'functions/sum/function.yml': 'runtime: python\n',
    'functions/sum/handler.py': '',
  });
  const specs = await loadAllFunctions(root, await loadTemplates(root));
  assert.equal(
    specs.map((s) => s.runtime),
    ['python'],
  );
});

test.run();
