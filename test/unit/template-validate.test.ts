import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { validateTemplate, type TemplateContext } from '../../src/template/validate.ts';

const T = 'templates/python/template.yml';

const python = {
  description: 'Python 3.13 on Debian trixie',
  handler: 'handler.py',
  ship: ['**/*.py'],
  packages: { build: ['python3', 'python3-venv'], run: ['python3'] },
  cmd: ['/usr/bin/python3', '/app/server.py'],
  healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
};

function ctx(over: Partial<TemplateContext> = {}): TemplateContext {
  return {
    name: 'python',
    dir: '/project/templates/python',
    file: T,
    files: [
      'Dockerfile.hbs',
      'requirements.txt',
      'server.py',
      'skeleton/function.yml',
      'skeleton/handler.py',
      'template.yml',
    ],
    ...over,
  };
}

const problems = (raw: unknown, over: Partial<TemplateContext> = {}): string[] =>
  validateTemplate(raw, ctx(over)).problems.map(formatProblem);
const withFields = (extra: Record<string, unknown>): string[] => problems({ ...python, ...extra });

test('the documented python template validates into TemplateMeta', () => {
  const r = validateTemplate(python, ctx());
  assert.equal(r.problems, []);
  assert.equal(r.meta, {
    name: 'python',
    dir: '/project/templates/python',
    description: 'Python 3.13 on Debian trixie',
    handler: 'handler.py',
    ship: ['**/*.py'],
    packages: { build: ['python3', 'python3-venv'], run: ['python3'] },
    cmd: ['/usr/bin/python3', '/app/server.py'],
    healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
  });
});

test('ship and packages are optional (a compiled runtime ships no sources)', () => {
  const { ship: _s, packages: _p, ...rest } = python;
  const r = validateTemplate({ ...rest, ship: [] }, ctx());
  assert.equal(r.problems, []);
  assert.equal([r.meta!.ship, r.meta!.packages], [[], { build: [], run: [] }]);
});

test('a handler in a subfolder must exist in skeleton/ at the same path', () => {
  const files = ['Dockerfile.hbs', 'skeleton/function.yml', 'skeleton/src/handler.cr'];
  assert.equal(
    problems(
      { ...python, handler: 'src/handler.cr' },
      { name: 'crystal', file: 'templates/crystal/template.yml', files },
    ),
    [],
  );
  assert.equal(
    problems({ ...python, handler: 'src/main.cr' }, { name: 'crystal', file: 'templates/crystal/template.yml', files }),
    ['templates/crystal/skeleton/src/main.cr: missing (a new function must provide the handler src/main.cr)'],
  );
});

test('required fields are reported together', () => {
  assert.equal(problems({}), [
    `${T}: description: required (one line saying what this is)`,
    `${T}: handler: required: the file every function of this runtime must provide, e.g. handler.py`,
    `${T}: cmd: must be a non-empty list of strings in exec form, e.g. ["/usr/bin/python3", "/app/server.py"] (got nothing)`,
    `${T}: healthcheck: must be a non-empty list of strings in exec form, e.g. ["/usr/bin/python3", "/app/server.py"] (got nothing)`,
  ]);
});

test('unknown fields are errors, with suggestions', () => {
  assert.equal(withFields({ helthcheck: [] }), [
    `${T}: helthcheck: unknown field "helthcheck" (did you mean "healthcheck"?)`,
  ]);
  assert.equal(withFields({ runtime: 'python' }), [
    `${T}: runtime: unknown field "runtime" (known fields: cmd, description, handler, healthcheck, packages, ship)`,
  ]);
});

test('handler must be a safe relative path to a real file role', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['../handler.py', /must not contain "\.\."/],
    ['/app/handler.py', /must be relative/],
    ['-handler.py', /must not start with "-"/],
    ['src/*.py', /may only use letters/],
    ['a b.py', /may only use letters/],
    ['src//h.py', /may only use letters/],
    ['./handler.py', /"\." segments/],
    ['function.yml', /cannot be the handler/],
    ['Dockerfile.hbs', /cannot be the handler/],
    ['skeleton/handler.py', /cannot be the handler/],
    [3, /must be a string/],
  ];
  for (const [handler, re] of cases) {
    const got = validateTemplate({ ...python, handler }, ctx()).problems;
    assert.is(got.length, 1, `${String(handler)}: ${got.map(formatProblem).join(' | ')}`);
    assert.is(got[0]!.field, 'handler');
    assert.match(got[0]!.message, re);
  }
});

test('ship globs follow the same safety rules as function files', () => {
  assert.equal(withFields({ ship: ['../../etc/**'] }), [
    `${T}: ship[0]: invalid glob "../../etc/**": must not contain ".." (only files inside the folder can be used)`,
  ]);
  assert.equal(withFields({ ship: ['/etc/passwd'] }), [
    `${T}: ship[0]: invalid glob "/etc/passwd": must be relative (absolute paths are not allowed)`,
  ]);
  assert.equal(withFields({ ship: '**/*.py' }), [
    `${T}: ship: must be a list of globs such as ["data/*.json"] (got a string)`,
  ]);
});

test('template packages follow Debian policy', () => {
  assert.equal(withFields({ packages: { build: ['python3', 'gcc; curl evil | sh'] } }), [
    `${T}: packages.build[1]: invalid Debian package name "gcc; curl evil | sh" (lower-case letters, digits and + . -, starting with a letter or digit; pin a version with "name=1.2-3")`,
  ]);
  assert.equal(withFields({ packages: { test: [] } }), [
    `${T}: packages.test: unknown field "test" (known fields of packages: build, run)`,
  ]);
});

test('cmd and healthcheck are non-empty lists of non-empty one-line strings', () => {
  assert.equal(withFields({ cmd: [] }), [
    `${T}: cmd: must be a non-empty list of strings in exec form, e.g. ["/usr/bin/python3", "/app/server.py"] (got a list)`,
  ]);
  assert.equal(withFields({ cmd: 'python3 server.py' }), [
    `${T}: cmd: must be a non-empty list of strings in exec form, e.g. ["/usr/bin/python3", "/app/server.py"] (got a string)`,
  ]);
  assert.equal(withFields({ healthcheck: ['/bin/x', ''] }), [
    `${T}: healthcheck[1]: must be a non-empty string (got a string)`,
  ]);
  assert.equal(withFields({ healthcheck: ['/bin/x', 1] }), [
    `${T}: healthcheck[1]: must be a non-empty string (got an integer)`,
  ]);
  assert.equal(withFields({ cmd: ['/bin/sh', '-c', 'a\nRUN b'] }), [
    `${T}: cmd[2]: must not contain line breaks or control characters (got "a\\nRUN b")`,
  ]);
});

test('description is required and one line', () => {
  assert.equal(withFields({ description: 'a\nb' }), [`${T}: description: must be a single line (no line breaks)`]);
  assert.equal(withFields({ description: 'x'.repeat(201) }), [
    `${T}: description: must be at most 200 characters (got 201)`,
  ]);
});

test('the template folder must hold Dockerfile.hbs and a skeleton with function.yml and the handler', () => {
  assert.equal(problems(python, { files: ['server.py'] }), [
    'templates/python/Dockerfile.hbs: missing (the builder renders it into the Dockerfile)',
    'templates/python/skeleton/function.yml: missing (scripts/new.mjs copies skeleton/ into a new function)',
    'templates/python/skeleton/handler.py: missing (a new function must provide the handler handler.py)',
  ]);
});

test('the runtime name (folder) must be a DNS label', () => {
  assert.equal(problems(python, { name: 'Python_3', file: 'templates/Python_3/template.yml' }), [
    'templates/Python_3/template.yml: name: runtime name "Python_3" must be a DNS label (lower-case letters, digits and "-"); rename the folder',
  ]);
});

test('a template.yml that is not a mapping', () => {
  assert.equal(problems(['x']), [
    `${T}: must be a mapping of fields (description, handler, ship, packages, cmd, healthcheck); got a list`,
  ]);
});

test.run();
