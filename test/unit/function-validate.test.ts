import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { checkFunctionName, validateFunction, type FunctionContext } from '../../src/function/validate.ts';
import { ENV_TOTAL_MAX, ENV_VALUE_MAX, REQUEST_LINE_MAX, TEST_BODY_MAX } from '../../src/rules/values.ts';

const F = 'functions/sum/function.yml';

function ctx(over: Partial<FunctionContext> = {}): FunctionContext {
  return {
    name: 'sum',
    dir: '/project/functions/sum',
    file: F,
    runtimes: ['python', 'node', 'crystal'],
    handlers: { python: 'handler.py', node: 'handler.js', crystal: 'src/handler.cr' },
    files: [
      'data/a.json',
      'data/b.json',
      'data/sub/c.json',
      'function.yml',
      'handler.py',
      'static/.hidden',
      'static/index.html',
    ],
    ...over,
  };
}

/** Every problem as the user sees it. */
const problems = (raw: unknown, over: Partial<FunctionContext> = {}): string[] =>
  validateFunction(raw, ctx(over)).problems.map(formatProblem);

/** The problems of a python function with `extra` fields. */
const withFields = (extra: Record<string, unknown>, over: Partial<FunctionContext> = {}): string[] =>
  problems({ runtime: 'python', ...extra }, over);

function valid(raw: unknown, over: Partial<FunctionContext> = {}) {
  const r = validateFunction(raw, ctx(over));
  assert.equal(r.problems.map(formatProblem), []);
  assert.ok(r.spec);
  return r.spec!;
}

/** Asserts exactly one problem, on `field`, whose message matches `re`. */
function oneProblem(raw: unknown, field: string, re: RegExp, over: Partial<FunctionContext> = {}): void {
  const got = validateFunction(raw, ctx(over)).problems;
  assert.is(got.length, 1, `expected one problem, got: ${got.map(formatProblem).join(' | ')}`);
  assert.is(got[0]!.file, F);
  assert.is(got[0]!.field, field);
  assert.match(got[0]!.message, re);
}

// ---- whole file ----

test('a minimal function gets every default', () => {
  assert.equal(valid({ runtime: 'python' }), {
    name: 'sum',
    dir: '/project/functions/sum',
    file: F,
    runtime: 'python',
    description: '',
    packages: { build: [], run: [] },
    files: [],
    env: {},
    secrets: [],
    testSecrets: {},
    tests: [],
    ignore: [],
  });
});

test('empty values (`key:` with nothing) mean the default', () => {
  const spec = valid({ runtime: 'python', description: null, packages: null, files: null, env: null, tests: null });
  assert.equal(
    [spec.description, spec.packages, spec.files, spec.env, spec.tests],
    ['', { build: [], run: [] }, [], {}, []],
  );
});

test('the documented example validates to the expected spec', () => {
  const spec = valid({
    runtime: 'python',
    description: 'Adds numbers',
    packages: { build: [], run: [] },
    files: ['data/*.json'],
    env: { GREETING: 'hello' },
    tests: [
      {
        name: 'adds two numbers',
        request: { method: 'POST', path: '/', headers: { 'x-trace': '1' }, json: { numbers: [1, 2, 3] } },
        expect: { status: 200, json: { sum: 6 }, headers: { 'content-type': 'application/json' } },
      },
    ],
  });
  assert.equal(spec.files, ['data/*.json']);
  assert.equal(spec.env, { GREETING: 'hello' });
  assert.equal(spec.tests, [
    {
      name: 'adds two numbers',
      request: { method: 'POST', path: '/', headers: { 'x-trace': '1' }, json: { numbers: [1, 2, 3] } },
      expect: { status: 200, headers: { 'content-type': 'application/json' }, json: { sum: 6 } },
    },
  ]);
});

test('a file that is not a mapping is one clear problem', () => {
  assert.equal(problems(['runtime', 'python']), [
    `${F}: must be a mapping of fields (runtime, description, packages, files, env, secrets, test_secrets, tests); got a list`,
  ]);
  assert.equal(problems('python'), [
    `${F}: must be a mapping of fields (runtime, description, packages, files, env, secrets, test_secrets, tests); got a string`,
  ]);
  assert.equal(problems(null).length, 1);
});

test('every problem is reported at once, each with its field path', () => {
  const got = problems(
    {
      runtime: 'pyhton',
      packges: ['curl'],
      packages: { build: ['curl\nRUN rm -rf /'] },
      files: ['../secret', '/etc/passwd'],
      env: { PORT: '8080', 'BAD-KEY': 'x' },
      tests: [{ name: 'a' }, { name: 'b', request: { method: 'FETCH' } }, { name: 'a', expect: { status: 999 } }],
    },
    { name: 'Sum' },
  );
  assert.equal(
    got.map((l) => l.split(': ').slice(0, 2).join(': ')),
    [
      `${F}: name`,
      `${F}: packges`,
      `${F}: runtime`,
      `${F}: packages.build[0]`,
      `${F}: files[0]`,
      `${F}: files[1]`,
      `${F}: env.PORT`,
      `${F}: env.BAD-KEY`,
      `${F}: tests[1].request.method`,
      `${F}: tests[2].name`,
      `${F}: tests[2].expect.status`,
    ],
  );
});

test('no spec is returned while there are problems', () => {
  const r = validateFunction({ runtime: 'python', env: { PORT: '1' } }, ctx());
  assert.is(r.spec, undefined);
  assert.is(r.problems.length, 1);
});

// ---- name ----

test('the folder name must be a DNS label', () => {
  for (const name of ['a', 'sum', 'hello-world', '0x1', 'a'.repeat(63)])
    assert.is(checkFunctionName(name), undefined, name);
  for (const name of ['Sum', 'my_func', '-sum', 'sum-', 'a.b', 'a b', '', 'a'.repeat(64), 'ünï']) {
    assert.type(checkFunctionName(name), 'string', name);
  }
  assert.match(checkFunctionName('a'.repeat(64))!, /64 characters/);
  assert.match(checkFunctionName('Sum')!, /upper-case/);
});

test('a bad folder name is reported on field "name" with a rename hint', () => {
  assert.equal(problems({ runtime: 'python' }, { name: 'My_Func', file: 'functions/My_Func/function.yml' }), [
    'functions/My_Func/function.yml: name: "My_Func": a function name must be a DNS label: at most 63 lower-case letters, ' +
      'digits and "-", starting and ending with a letter or digit (it has upper-case letters); rename the folder functions/My_Func/',
  ]);
});

// ---- runtime ----

test('an unknown runtime lists the available ones, sorted', () => {
  assert.equal(problems({ runtime: 'ruby' }), [
    `${F}: runtime: unknown runtime "ruby" (available: crystal, node, python)`,
  ]);
});

test('a misspelt runtime gets a suggestion', () => {
  assert.equal(problems({ runtime: 'pyhton' }), [
    `${F}: runtime: unknown runtime "pyhton" (available: crystal, node, python); did you mean "python"?`,
  ]);
  assert.match(problems({ runtime: 'Node' })[0]!, /did you mean "node"\?$/);
  assert.match(problems({ runtime: 'crystl' })[0]!, /did you mean "crystal"\?$/);
});

test('runtime is required and must be a string', () => {
  assert.equal(problems({}), [`${F}: runtime: required (available: crystal, node, python)`]);
  assert.equal(problems({ runtime: 3 }), [
    `${F}: runtime: must be a string (available: crystal, node, python; got an integer)`,
  ]);
  assert.equal(problems({ runtime: 'python' }, { runtimes: [] }), [
    `${F}: runtime: unknown runtime "python" (no templates found under templates/)`,
  ]);
});

// ---- unknown fields ----

test('unknown top-level fields are errors, with a suggestion for typos', () => {
  assert.equal(withFields({ packges: { run: ['curl'] } }), [
    `${F}: packges: unknown field "packges" (did you mean "packages"?)`,
  ]);
  assert.equal(withFields({ evn: {} }), [`${F}: evn: unknown field "evn" (did you mean "env"?)`]);
  assert.equal(withFields({ name: 'sum' }), [
    `${F}: name: unknown field "name" (known fields: description, env, files, packages, runtime, secrets, test_secrets, tests)`,
  ]);
});

test('unknown nested fields are errors too', () => {
  assert.equal(withFields({ packages: { runtime: ['x'] } }), [
    `${F}: packages.runtime: unknown field "runtime" (known fields of packages: build, run)`,
  ]);
  assert.equal(withFields({ tests: [{ name: 't', expect: { stauts: 200 } }] }), [
    `${F}: tests[0].expect.stauts: unknown field "stauts" (did you mean "status"?)`,
  ]);
  assert.equal(withFields({ tests: [{ name: 't', request: { query: 'a=1' } }] }), [
    `${F}: tests[0].request.query: unknown field "query" (known fields of tests[0].request: body, headers, json, method, path)`,
  ]);
  assert.equal(withFields({ tests: [{ name: 't', reqest: {} }] }), [
    `${F}: tests[0].reqest: unknown field "reqest" (did you mean "request"?)`,
  ]);
});

// ---- packages ----

test('package names are quoted with JSON.stringify when rejected (no Dockerfile injection)', () => {
  assert.equal(withFields({ packages: { run: ['curl\nRUN rm -rf /'] } }), [
    `${F}: packages.run[0]: invalid Debian package name "curl\\nRUN rm -rf /" ` +
      '(lower-case letters, digits and + . -, starting with a letter or digit; pin a version with "name=1.2-3")',
  ]);
});

test('package names follow Debian policy; anything shell-ish is rejected', () => {
  const bad = [
    'curl wget',
    'curl;id',
    '$(id)',
    '`id`',
    '-o',
    '--allow-unauthenticated',
    'Curl',
    'c',
    '',
    'curl&&id',
    'curl|sh',
    'lib/x',
    'curl\\',
    'curl=',
    'curl=~1',
    'curl=-1',
    'curl=1 x',
    'libc6:amd64',
    "curl'",
    'curl\r',
    'curl\0',
    // apt-get reads a trailing "-" as "remove", a trailing "+" after a version as "install".
    'zlib1g-',
    'curl=8.14.1-',
    'curl=8.14.1+',
    'curl=1:',
  ];
  for (const name of bad)
    oneProblem(
      { runtime: 'python', packages: { build: [name] } },
      'packages.build[0]',
      /^invalid Debian package name /,
    );
  const good = [
    'curl',
    'libsqlite3-0',
    'g++',
    'python3.13',
    'libstdc++6',
    '0ad',
    'curl=8.14.1-2',
    'tzdata=2025b-4',
    'foo=1:2.3~rc1+dfsg-1',
    'ncbi-blast+',
    'g++=4:14.2.0-1',
    'foo=1.0~',
  ];
  valid({ runtime: 'python', packages: { build: good, run: good } });
});

test('a trailing "-" or a version\'s trailing "+" is explained: apt-get reads it as an action', () => {
  assert.equal(withFields({ packages: { run: ['zlib1g-'], build: ['curl=8.14.1+'] } }), [
    `${F}: packages.build[0]: invalid Debian package name "curl=8.14.1+": apt-get reads a trailing "+" as "install", not as part of the version; remove it`,
    `${F}: packages.run[0]: invalid Debian package name "zlib1g-": apt-get reads a trailing "-" as "remove this package"; remove it`,
  ]);
});

test('packages are sorted and de-duplicated', () => {
  assert.equal(valid({ runtime: 'python', packages: { run: ['zlib1g', 'curl', 'zlib1g'] } }).packages, {
    build: [],
    run: ['curl', 'zlib1g'],
  });
});

test('packages must be a mapping of lists of strings', () => {
  assert.equal(withFields({ packages: ['curl'] }), [
    `${F}: packages: must be a mapping with "build" and/or "run" lists (got a list)`,
  ]);
  assert.equal(withFields({ packages: { run: 'curl' } }), [
    `${F}: packages.run: must be a list of strings (got a string)`,
  ]);
  assert.equal(withFields({ packages: { run: ['curl', 7] } }), [
    `${F}: packages.run[1]: must be a string (got an integer)`,
  ]);
});

// ---- files ----

test('files globs must stay inside the function folder', () => {
  assert.equal(withFields({ files: ['../secret'] }), [
    `${F}: files[0]: invalid glob "../secret": must not contain ".." (only files inside the folder can be used)`,
  ]);
  assert.equal(withFields({ files: ['/etc/passwd'] }), [
    `${F}: files[0]: invalid glob "/etc/passwd": must be relative (absolute paths are not allowed)`,
  ]);
  oneProblem({ runtime: 'python', files: ['data/../../x'] }, 'files[0]', /must not contain "\.\."/);
  oneProblem({ runtime: 'python', files: ['data/..'] }, 'files[0]', /must not contain "\.\."/);
  oneProblem({ runtime: 'python', files: ['{data,..}/x'] }, 'files[0]', /must not contain "\.\."/);
  oneProblem({ runtime: 'python', files: ['{/etc,data}/passwd'] }, 'files[0]', /must be relative/);
});

test('files globs reject odd characters and shapes', () => {
  const cases: Array<[string, RegExp]> = [
    ['data\\a.json', /use "\/" as the path separator/],
    ['-rf', /must not start with "-"/],
    ['a b', /must not contain " "/],
    ['$(id)', /must not contain "\$"/],
    ['data/*.json;rm', /must not contain ";"/],
    ['data/a\nRUN x', /control characters/],
    ['a\0b', /control characters/],
    ['~/x', /must not contain "~"/],
    ['./data/a.json', /"\." segments/],
    ['data/', /must not end with "\/"/],
    ['data//a.json', /must not contain "\/\/"/],
    ['', /must not be empty/],
    ['[abc', /unclosed "\["/],
    ['{a,b', /unclosed "\{"/],
    ['function.yml', /must not name function\.yml/],
    ['{function.yml,data/a.json}', /must not name function\.yml/],
  ];
  for (const [glob, re] of cases) oneProblem({ runtime: 'python', files: [glob] }, 'files[0]', re);
  assert.match(withFields({ files: ['a b'] })[0]!, /^functions\/sum\/function\.yml: files\[0\]: invalid glob "a b": /);
});

test('files must be a list of strings', () => {
  assert.equal(withFields({ files: 'data/*.json' }), [
    `${F}: files: must be a list of globs such as ["data/*.json"] (got a string)`,
  ]);
  assert.equal(withFields({ files: [1] }), [`${F}: files[0]: must be a string (got an integer)`]);
});

test('each files glob must match at least one file', () => {
  assert.equal(
    valid({ runtime: 'python', files: ['data/*.json', 'data/**', 'static/{index,about}.html', 'data/[ab].json'] })
      .files,
    ['data/*.json', 'data/**', 'static/{index,about}.html', 'data/[ab].json'],
  );
  assert.equal(withFields({ files: ['data/*.json', 'data/*.jsn'] }), [
    `${F}: files[1]: "data/*.jsn" matches no file in functions/sum/ (wildcards skip names starting with ".")`,
  ]);
  // function.yml is never shipped, so it does not count as a match.
  assert.equal(withFields({ files: ['*.yml'] }), [
    `${F}: files[0]: "*.yml" matches no file in functions/sum/ (wildcards skip names starting with ".")`,
  ]);
  assert.equal(withFields({ files: ['static/.env'] }), [
    `${F}: files[0]: "static/.env" matches no file in functions/sum/`,
  ]);
  valid({ runtime: 'python', files: ['static/.hidden'] });
});

test('.faasoignore: a glob matching only ignored files, or only editor backups, says so', () => {
  const files = ['function.yml', 'handler.py', 'handler.py~', 'data/a.json', 'data/b.json'];
  assert.equal(withFields({ files: ['data/*.json', 'handler.*'] }, { files, ignore: ['data/'] }), [
    `${F}: files[0]: "data/*.json" matches only files functions/sum/.faasoignore leaves out`,
  ]);
  assert.equal(withFields({ files: ['handler.py?'] }, { files }), [
    `${F}: files[0]: "handler.py?" matches only editor backup files (name~, #name#), which never ship`,
  ]);
});

test('a handler .faasoignore leaves out is named as such', () => {
  assert.equal(withFields({}, { ignore: ['*.py'] }), [
    `${F}: runtime: the python runtime needs the handler handler.py, but functions/sum/.faasoignore leaves it out`,
  ]);
  assert.equal(valid({ runtime: 'python' }, { ignore: ['data/', '# comment'] }).ignore, ['data/', '# comment']);
});

test('a glob built to make a regex backtrack is answered at once', () => {
  const glob = `${'*a'.repeat(12)}*b`;
  assert.equal(withFields({ files: [glob] }, { files: ['function.yml', 'handler.py', 'a'.repeat(250)] }), [
    `${F}: files[0]: ${JSON.stringify(glob)} matches no file in functions/sum/ (wildcards skip names starting with ".")`,
  ]);
});

test('test bodies, paths, header values and names have size caps', () => {
  const big = 'x'.repeat(TEST_BODY_MAX + 1);
  assert.equal(
    withFields({
      tests: [
        { name: 'text', request: { method: 'POST', body: big }, expect: { body: big } },
        { name: 'json', request: { method: 'POST', json: { big } } },
        { name: 'n'.repeat(201) },
        {
          name: 'line',
          request: { path: `/${'p'.repeat(REQUEST_LINE_MAX)}`, headers: { 'x-big': 'h'.repeat(REQUEST_LINE_MAX + 1) } },
        },
      ],
    }),
    [
      `${F}: tests[0].request.body: must be at most ${TEST_BODY_MAX} characters (got ${TEST_BODY_MAX + 1})`,
      `${F}: tests[0].expect.body: must be at most ${TEST_BODY_MAX} characters (got ${TEST_BODY_MAX + 1})`,
      `${F}: tests[1].request.json: must be at most ${TEST_BODY_MAX} characters (got ${TEST_BODY_MAX + 11})`,
      `${F}: tests[2].name: must be at most 200 characters (got 201)`,
      `${F}: tests[3].request.path: must be at most ${REQUEST_LINE_MAX} characters (got ${REQUEST_LINE_MAX + 1})`,
      `${F}: tests[3].request.headers.x-big: must be at most ${REQUEST_LINE_MAX} characters (got ${REQUEST_LINE_MAX + 1})`,
    ],
  );
});

test('test requests that can never be sent are refused when function.yml is read, not after a build', () => {
  const tests = [
    { name: 'get with body', request: { body: 'x' } },
    { name: 'head with json', request: { method: 'head', json: null } },
    {
      name: 'hop by hop',
      request: {
        method: 'POST',
        headers: {
          Connection: 'close',
          expect: '100-continue',
          'keep-alive': 'timeout=5',
          te: 'trailers',
          upgrade: 'h2c',
          'proxy-connection': 'x',
          trailer: 'x',
        },
      },
    },
    {
      name: 'not latin-1',
      request: { headers: { 'x-price': '5 €', 'x-name': 'Zoë' } },
      expect: { headers: { 'x-e': '€' } },
    },
  ];
  const hop = (h: string): string =>
    `${F}: tests[2].request.headers.${h}: ${h.toLowerCase()} is a hop-by-hop header: it concerns one connection, not the request, and the test client cannot send it; remove it`;
  assert.equal(withFields({ tests }), [
    `${F}: tests[0].request.body: a GET request cannot have a body; use POST (or PUT, PATCH...) or remove body`,
    `${F}: tests[1].request.json: a HEAD request cannot have a body; use POST (or PUT, PATCH...) or remove json`,
    ...['Connection', 'expect', 'keep-alive', 'te', 'upgrade', 'proxy-connection', 'trailer'].map(hop),
    `${F}: tests[3].request.headers.x-price: cannot be sent: header values are bytes, and "€" (U+20AC) is not a Latin-1 character; encode it, e.g. percent-encoded`,
  ]);
  // Bodies on other methods, Latin-1 values and any expected header are fine.
  valid({
    runtime: 'python',
    tests: [
      { name: 'delete with body', request: { method: 'DELETE', body: 'x' } },
      { name: 'options with json', request: { method: 'OPTIONS', json: {} } },
      { name: 'latin-1', request: { headers: { 'x-name': 'Zoë' } }, expect: { headers: { 'x-e': '€' } } },
    ],
  });
});

// ---- env ----

test('env values: text, kept exactly, sorted by key', () => {
  const spec = valid({
    runtime: 'python',
    env: {
      Z_LAST: 'z',
      DEBUG: 'true',
      LIMIT: '010',
      VERSION: '1.10',
      EMPTY: '',
      _x: 'ok',
      QUOTES: `it's "fine" $HOME \\`,
    },
  });
  assert.equal(Object.keys(spec.env), ['DEBUG', 'EMPTY', 'LIMIT', 'QUOTES', 'VERSION', 'Z_LAST', '_x']);
  assert.equal(spec.env, {
    DEBUG: 'true',
    EMPTY: '',
    LIMIT: '010',
    QUOTES: `it's "fine" $HOME \\`,
    VERSION: '1.10',
    Z_LAST: 'z',
    _x: 'ok',
  });
});

test('env values YAML reads as numbers or booleans are refused with a hint to quote (1.10 would become 1.1)', () => {
  // What the YAML parser hands over for `VERSION: 1.10`, `MASK: 0x1F`, `DEBUG: True`, `LIMIT: 10`.
  assert.equal(withFields({ env: { VERSION: 1.1, MASK: 31, DEBUG: true, LIMIT: 10 } }), [
    `${F}: env.VERSION: YAML reads this value as the number 1.1, not as text: quote it exactly as you mean it, e.g. VERSION: "1.1" (unquoted, 1.10 becomes 1.1, 0x1F becomes 31 and True becomes true)`,
    `${F}: env.MASK: YAML reads this value as the number 31, not as text: quote it exactly as you mean it, e.g. MASK: "31" (unquoted, 1.10 becomes 1.1, 0x1F becomes 31 and True becomes true)`,
    `${F}: env.DEBUG: YAML reads this value as the boolean true, not as text: quote it exactly as you mean it, e.g. DEBUG: "true" (unquoted, 1.10 becomes 1.1, 0x1F becomes 31 and True becomes true)`,
    `${F}: env.LIMIT: YAML reads this value as the number 10, not as text: quote it exactly as you mean it, e.g. LIMIT: "10" (unquoted, 1.10 becomes 1.1, 0x1F becomes 31 and True becomes true)`,
  ]);
});

test('env values and all variables together have a size cap (the kernel refuses larger ones at exec)', () => {
  valid({ runtime: 'python', env: { A: 'x'.repeat(ENV_VALUE_MAX) } });
  assert.equal(withFields({ env: { A: 'x'.repeat(ENV_VALUE_MAX + 1) } }), [
    `${F}: env.A: must be at most ${ENV_VALUE_MAX} characters (got ${ENV_VALUE_MAX + 1}); ship larger data as a file`,
  ]);
  const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`V${i}`, 'x'.repeat(ENV_VALUE_MAX)]));
  assert.equal(withFields({ env: many }), [
    `${F}: env: ${9 * (ENV_VALUE_MAX + 4)} characters of variables in all; at most ${ENV_TOTAL_MAX} (ship larger data as a file)`,
  ]);
});

test('env keys must be variable names; PORT and FAASO_* are reserved', () => {
  assert.equal(withFields({ env: { '1ST': 'x' } }), [
    `${F}: env["1ST"]: invalid variable name "1ST" (letters, digits and _, not starting with a digit)`,
  ]);
  oneProblem({ runtime: 'python', env: { 'A-B': 'x' } }, 'env.A-B', /invalid variable name/);
  oneProblem({ runtime: 'python', env: { 'A B': 'x' } }, 'env["A B"]', /invalid variable name/);
  oneProblem({ runtime: 'python', env: { 'A=B': 'x' } }, 'env["A=B"]', /invalid variable name/);
  assert.equal(withFields({ env: { PORT: '8080' } }), [
    `${F}: env.PORT: PORT is reserved (the server always listens on port 3000)`,
  ]);
  assert.equal(withFields({ env: { FAASO_MODE: 'x' } }), [
    `${F}: env.FAASO_MODE: names starting with FAASO_ are reserved for faaso`,
  ]);
  valid({ runtime: 'python', env: { port: 'lower-case is a different variable' } });
});

test('env values must not contain line breaks or control characters', () => {
  assert.equal(withFields({ env: { A: 'x\nRUN rm -rf /' } }), [
    `${F}: env.A: must not contain line breaks or control characters (got "x\\nRUN rm -rf /")`,
  ]);
  for (const v of ['a\rb', 'a\0b', 'a\tb', 'a\u001bb', 'a\u007fb'])
    oneProblem({ runtime: 'python', env: { A: v } }, 'env.A', /control characters/);
});

test('env values must be scalars', () => {
  assert.equal(withFields({ env: { A: null } }), [
    `${F}: env.A: must be text in quotes (got nothing (null)); write A: "" for an empty value`,
  ]);
  oneProblem({ runtime: 'python', env: { A: [1] } }, 'env.A', /got a list/);
  oneProblem({ runtime: 'python', env: { A: { b: 1 } } }, 'env.A', /got a mapping/);
  oneProblem({ runtime: 'python', env: { A: Infinity } }, 'env.A', /YAML reads this value as the number Infinity/);
  assert.equal(withFields({ env: ['A=1'] }), [`${F}: env: must be a mapping of NAME: value (got a list)`]);
});

test('an env key named __proto__ stays an own key', () => {
  const raw = JSON.parse('{"runtime": "python", "env": {"__proto__": "x"}}');
  const spec = valid(raw);
  assert.equal(Object.keys(spec.env), ['__proto__']);
  assert.is(Object.getPrototypeOf(spec.env), Object.prototype);
});

// ---- description ----

test('description: optional, one line, at most 200 characters', () => {
  assert.is(valid({ runtime: 'python', description: '  Adds numbers ' }).description, 'Adds numbers');
  valid({ runtime: 'python', description: 'x'.repeat(200) });
  assert.equal(withFields({ description: 'x'.repeat(201) }), [
    `${F}: description: must be at most 200 characters (got 201)`,
  ]);
  assert.equal(withFields({ description: 'two\nlines' }), [
    `${F}: description: must be a single line (no line breaks)`,
  ]);
  assert.equal(withFields({ description: 42 }), [`${F}: description: must be a string (got an integer)`]);
  oneProblem({ runtime: 'python', description: 'bell\u0007' }, 'description', /control characters/);
});

// ---- handler ----

test("the runtime's handler file must exist in the folder", () => {
  assert.equal(problems({ runtime: 'python' }, { files: ['function.yml', 'main.py'] }), [
    `${F}: runtime: the python runtime needs a handler file handler.py, but functions/sum/handler.py does not exist (start from templates/python/skeleton/handler.py)`,
  ]);
  valid({ runtime: 'crystal' }, { files: ['function.yml', 'src/handler.cr'] });
  oneProblem({ runtime: 'crystal' }, 'runtime', /needs a handler file src\/handler\.cr/, {
    files: ['function.yml', 'handler.cr'],
  });
});

test('an unknown runtime does not also complain about a handler', () => {
  assert.is(problems({ runtime: 'ruby' }, { files: [] }).length, 1);
});

// ---- tests ----

/** Problems of a function whose only test is `t`. */
const testProblems = (t: unknown): string[] => withFields({ tests: [t] });

test('a test needs only a name: request defaults to GET /, expect to status 200', () => {
  assert.equal(valid({ runtime: 'python', tests: [{ name: 'pings' }] }).tests, [
    { name: 'pings', request: { method: 'GET', path: '/', headers: {} }, expect: { status: 200, headers: {} } },
  ]);
  assert.equal(valid({ runtime: 'python', tests: [{ name: 'x', request: null, expect: null }] }).tests[0]!.expect, {
    status: 200,
    headers: {},
  });
});

test('tests must be a list of mappings with a unique, one-line name', () => {
  assert.equal(withFields({ tests: { name: 'x' } }), [
    `${F}: tests: must be a list of tests, each with name, request and expect (got a mapping)`,
  ]);
  assert.equal(withFields({ tests: ['GET /'] }), [
    `${F}: tests[0]: must be a mapping with name, request and expect (got a string)`,
  ]);
  assert.equal(testProblems({ request: {} }), [
    `${F}: tests[0].name: required (a short sentence saying what the test checks)`,
  ]);
  assert.equal(testProblems({ name: '  ' }), [`${F}: tests[0].name: must be a non-empty string (got a string)`]);
  assert.equal(testProblems({ name: 5 }), [`${F}: tests[0].name: must be a non-empty string (got an integer)`]);
  assert.equal(testProblems({ name: 'a\nb' }), [`${F}: tests[0].name: must be a single line (no line breaks)`]);
  assert.equal(withFields({ tests: [{ name: 'same' }, { name: 'other' }, { name: 'same' }] }), [
    `${F}: tests[2].name: duplicate test name "same" (also tests[0].name)`,
  ]);
});

test('request.method: any case in, upper case out; only known methods', () => {
  const methods = ['get', 'Head', 'POST', 'put', 'patch', 'DELETE', 'options'];
  const spec = valid({ runtime: 'python', tests: methods.map((m, i) => ({ name: `t${i}`, request: { method: m } })) });
  assert.equal(
    spec.tests.map((t) => t.request.method),
    ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  );
  assert.equal(testProblems({ name: 't', request: { method: 'FETCH' } }), [
    `${F}: tests[0].request.method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (got "FETCH")`,
  ]);
  assert.equal(testProblems({ name: 't', request: { method: 1 } }), [
    `${F}: tests[0].request.method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (got 1)`,
  ]);
  oneProblem(
    { runtime: 'python', tests: [{ name: 't', request: { method: 'GET\r\nX: y' } }] },
    'tests[0].request.method',
    /must be one of/,
  );
});

test('request.path: starts with "/", printable ASCII, no spaces', () => {
  const spec = valid({ runtime: 'python', tests: [{ name: 't', request: { path: '/items/1?q=a%20b&x=[1]' } }] });
  assert.is(spec.tests[0]!.request.path, '/items/1?q=a%20b&x=[1]');
  assert.equal(testProblems({ name: 't', request: { path: 'items' } }), [
    `${F}: tests[0].request.path: must start with "/" (got "items")`,
  ]);
  const bad: Array<[unknown, RegExp]> = [
    ['/a b', /spaces/],
    ['/a\tb', /spaces, control/],
    ['/a\r\nHost: evil', /spaces, control/],
    ['/ünï', /non-ASCII/],
    ['//evil.example/x', /must not start with "\/\/"/],
    ['/a#frag', /"#"/],
    [42, /must be a string/],
    ['', /must start with "\/"/],
  ];
  for (const [path, re] of bad)
    oneProblem({ runtime: 'python', tests: [{ name: 't', request: { path } }] }, 'tests[0].request.path', re);
});

test('headers: token names (lower-cased), one-line values, numbers stringified', () => {
  const spec = valid({
    runtime: 'python',
    tests: [
      {
        name: 't',
        request: { headers: { 'X-Trace': 1, Accept: 'text/plain', 'x-flag': true, 'x-tab': 'a\tb' } },
        expect: { headers: { 'Content-Type': 'text/plain' } },
      },
    ],
  });
  assert.equal(spec.tests[0]!.request.headers, {
    accept: 'text/plain',
    'x-flag': 'true',
    'x-tab': 'a\tb',
    'x-trace': '1',
  });
  assert.equal(spec.tests[0]!.expect.headers, { 'content-type': 'text/plain' });
  assert.equal(testProblems({ name: 't', request: { headers: { 'x-a': 'ok\r\nX-Injected: 1' } } }), [
    `${F}: tests[0].request.headers.x-a: must not contain line breaks or control characters (got "ok\\r\\nX-Injected: 1")`,
  ]);
  assert.equal(testProblems({ name: 't', request: { headers: { 'bad name': 'x' } } }), [
    `${F}: tests[0].request.headers["bad name"]: invalid header name "bad name"`,
  ]);
  oneProblem(
    { runtime: 'python', tests: [{ name: 't', request: { headers: { 'x:y': 'x' } } }] },
    'tests[0].request.headers["x:y"]',
    /invalid header name/,
  );
  assert.equal(testProblems({ name: 't', expect: { headers: { 'X-A': '1', 'x-a': '2' } } }), [
    `${F}: tests[0].expect.headers.x-a: duplicate header "x-a" (header names ignore case)`,
  ]);
  assert.equal(testProblems({ name: 't', request: { headers: { 'Content-Length': '5' } } }), [
    `${F}: tests[0].request.headers.Content-Length: content-length is computed from the body; remove it`,
  ]);
  oneProblem(
    { runtime: 'python', tests: [{ name: 't', request: { headers: { 'transfer-encoding': 'chunked' } } }] },
    'tests[0].request.headers.transfer-encoding',
    /computed/,
  );
  oneProblem(
    { runtime: 'python', tests: [{ name: 't', request: { headers: { a: null } } }] },
    'tests[0].request.headers.a',
    /must be a string/,
  );
  oneProblem(
    { runtime: 'python', tests: [{ name: 't', request: { headers: ['a: b'] } }] },
    'tests[0].request.headers',
    /must be a mapping/,
  );
});

test('body and json: one or the other; json may be any JSON value, even null', () => {
  const spec = valid({
    runtime: 'python',
    tests: [
      { name: 'text', request: { method: 'POST', body: 'raw\ntext' }, expect: { body: 'ok\n' } },
      { name: 'json', request: { method: 'POST', json: [1, 'a', { b: null }] }, expect: { json: { sum: 6.5 } } },
      { name: 'null', request: { method: 'PUT', json: null }, expect: { json: null } },
      { name: 'none' },
    ],
  });
  assert.equal(spec.tests[0]!.request.body, 'raw\ntext');
  assert.equal(spec.tests[0]!.expect.body, 'ok\n');
  assert.equal(spec.tests[1]!.request.json, [1, 'a', { b: null }]);
  assert.ok('json' in spec.tests[2]!.request && spec.tests[2]!.request.json === null);
  assert.ok('json' in spec.tests[2]!.expect && spec.tests[2]!.expect.json === null);
  assert.not.ok('json' in spec.tests[3]!.request || 'body' in spec.tests[3]!.request);
  assert.not.ok('json' in spec.tests[3]!.expect || 'body' in spec.tests[3]!.expect);
  assert.equal(testProblems({ name: 't', request: { method: 'POST', body: 'a', json: {} } }), [
    `${F}: tests[0].request: use either body (text) or json, not both`,
  ]);
  assert.equal(testProblems({ name: 't', expect: { body: 'a', json: {} } }), [
    `${F}: tests[0].expect: use either body (text) or json, not both`,
  ]);
  assert.equal(testProblems({ name: 't', expect: { body: 42 } }), [
    `${F}: tests[0].expect.body: must be a string (got an integer); quote it, or use json: for JSON`,
  ]);
  assert.equal(testProblems({ name: 't', request: { json: { a: [1, Infinity] } } }), [
    `${F}: tests[0].request.json.a[1]: is not representable in JSON (use finite numbers, strings, booleans, null, lists and mappings)`,
  ]);
  oneProblem(
    { runtime: 'python', tests: [{ name: 't', expect: { json: Buffer.from('x') } }] },
    'tests[0].expect.json',
    /not representable in JSON/,
  );
});

test('expect.status: integer 100-599, default 200', () => {
  assert.equal(
    valid({
      runtime: 'python',
      tests: [
        { name: 'a', expect: { status: 404 } },
        { name: 'b', expect: { status: 100 } },
        { name: 'c', expect: { status: 599 } },
      ],
    }).tests.map((t) => t.expect.status),
    [404, 100, 599],
  );
  for (const status of [99, 600, 200.5, '200', true, -1]) {
    oneProblem(
      { runtime: 'python', tests: [{ name: 't', expect: { status } }] },
      'tests[0].expect.status',
      /must be an HTTP status code, an integer from 100 to 599/,
    );
  }
  assert.equal(testProblems({ name: 't', expect: { status: 700 } }), [
    `${F}: tests[0].expect.status: must be an HTTP status code, an integer from 100 to 599 (got 700)`,
  ]);
});

test('request and expect must be mappings', () => {
  assert.equal(testProblems({ name: 't', request: 'GET /' }), [
    `${F}: tests[0].request: must be a mapping with method, path, headers, body or json (got a string)`,
  ]);
  assert.equal(testProblems({ name: 't', expect: 200 }), [
    `${F}: tests[0].expect: must be a mapping with status, headers, body or json (got an integer)`,
  ]);
});

test('the field path points into the right test', () => {
  const got = withFields({ tests: [{ name: 'a' }, { name: 'b' }, { name: 'c', expect: { status: 'ok' } }] });
  assert.is(got.length, 1);
  assert.match(got[0]!, /^functions\/sum\/function\.yml: tests\[2\]\.expect\.status: /);
});

test.run();
