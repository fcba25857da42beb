import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compileGlob,
  expandBraces,
  filterByGlobs,
  GlobSyntaxError,
  globMatcher,
  matchesGlob,
} from '../../src/util/glob.ts';

const yes = (glob: string, ...paths: string[]) => {
  for (const p of paths) assert.ok(matchesGlob(glob, p), `${glob} should match ${p}`);
};
const no = (glob: string, ...paths: string[]) => {
  for (const p of paths) assert.not.ok(matchesGlob(glob, p), `${glob} should not match ${p}`);
};

test('literal globs match only themselves', () => {
  yes('data.json', 'data.json');
  no('data.json', 'data_json', 'x/data.json', 'data.json.bak');
  yes('a+b@c-d.txt', 'a+b@c-d.txt');
  no('a.b', 'axb');
});

test('* stays within one path segment', () => {
  yes('*.json', 'a.json', 'b.c.json');
  no('*.json', 'dir/a.json', 'a.jsonx');
  yes('data/*.json', 'data/a.json');
  no('data/*.json', 'data/x/a.json', 'data.json');
  yes('data/*', 'data/a');
  no('data/*', 'data', 'data/x/y');
});

test('** spans zero or more segments', () => {
  yes('**/*.py', 'a.py', 'x/a.py', 'x/y/z/a.py');
  no('**/*.py', 'a.pyc', 'x/a.txt');
  yes('static/**', 'static/a', 'static/x/y/z.css');
  no('static/**', 'static', 'staticx/a', 'other/static/a');
  yes('a/**/b', 'a/b', 'a/x/b', 'a/x/y/b');
  no('a/**/b', 'a/xb', 'ab');
  yes('**', 'a', 'a/b/c');
});

test('** inside a segment is just *', () => {
  yes('a**b', 'ab', 'axxb');
  no('a**b', 'a/b');
});

test('? matches exactly one character except /', () => {
  yes('?.txt', 'a.txt');
  no('?.txt', 'ab.txt', '.txt', '/.txt');
  no('a?b', 'a/b');
});

test('[...] classes, ranges and negation; never /', () => {
  yes('[abc].txt', 'a.txt', 'c.txt');
  no('[abc].txt', 'd.txt');
  yes('file[0-9].json', 'file7.json');
  no('file[0-9].json', 'filex.json');
  yes('[!a].txt', 'b.txt');
  no('[!a].txt', 'a.txt');
  yes('[^a].txt', 'b.txt');
  no('a[!x]b', 'a/b');
  yes('[]].txt', '].txt');
  yes('[a-].txt', '-.txt', 'a.txt');
});

test('{a,b} alternatives, nested, with wildcards inside', () => {
  yes('config/{dev,prod}.json', 'config/dev.json', 'config/prod.json');
  no('config/{dev,prod}.json', 'config/test.json', 'config/{dev,prod}.json');
  yes('{a,b{c,d}}', 'a', 'bc', 'bd');
  no('{a,b{c,d}}', 'b', 'abc');
  yes('{*.js,lib/**}', 'x.js', 'lib/a/b');
  yes('x{,.bak}', 'x', 'x.bak');
});

test('wildcards do not match names starting with "." unless asked', () => {
  no('*', '.env');
  no('**', '.git/config', 'a/.env', '.hidden/x');
  no('**/*.py', '.venv/lib/x.py');
  no('?env', '.env');
  yes('.env', '.env');
  yes('.well-known/*', '.well-known/x');
  yes('a/.*', 'a/.env');
  assert.ok(compileGlob('**', { dot: true }).test('.git/config'));
  assert.ok(compileGlob('*', { dot: true }).test('.env'));
});

test('regex metacharacters in literals are literal', () => {
  yes('a.b+c(d)$', 'a.b+c(d)$');
  no('a.b', 'aXb');
  no('a+', 'aa');
});

test('malformed globs throw GlobSyntaxError', () => {
  for (const g of ['[abc', 'a{b,c', '{', 'x/{a,{b}', '[z-a]']) {
    assert.throws(
      () => globMatcher(g),
      (e: unknown) => e instanceof GlobSyntaxError,
      g,
    );
  }
});

test('a stray } or , outside braces is literal', () => {
  yes('a}b', 'a}b');
  yes('a,b', 'a,b');
});

test('many wildcards in one glob cannot hang faaso (no backtracking regex)', () => {
  // As a regex this took longer than 100 s against a 60-character name.
  const glob = `${'*a'.repeat(30)}*b`;
  no(glob, 'a'.repeat(250), `${'a/'.repeat(100)}a`);
  yes(glob, `${'a'.repeat(40)}b`);
  no(`${'**/'.repeat(30)}x/**/y`, `${'d/'.repeat(200)}x/${'d/'.repeat(200)}z`);
  yes(`${'**/'.repeat(30)}x/**/y`, `${'d/'.repeat(200)}x/${'d/'.repeat(200)}y`);
});

test('? and classes take one character, also outside the BMP', () => {
  yes('?.txt', 'é.txt', '😀.txt');
  yes('x😀?', 'x😀y');
  no('??.txt', '😀.txt');
});

test('globMatcher works with Array.map', () => {
  const res = ['*.py', 'data/**'].map(globMatcher);
  assert.ok(res[0]!.test('a.py'));
  assert.ok(res[1]!.test('data/x'));
});

test('filterByGlobs returns the sorted union of matches', () => {
  const files = ['z.py', 'a.py', 'data/x.json', 'data/y.txt', 'README.md', '.env'];
  assert.equal(filterByGlobs(files, ['**/*.py', 'data/*.json']), ['a.py', 'data/x.json', 'z.py']);
  assert.equal(filterByGlobs(files, []), []);
});

test('expandBraces lists every alternative', () => {
  assert.equal(expandBraces('data/{a,b}/*.json'), ['data/a/*.json', 'data/b/*.json']);
  assert.equal(expandBraces('{x,{y,z}}.txt'), ['x.txt', 'y.txt', 'z.txt']);
  assert.equal(expandBraces('{.,..}/x'), ['./x', '../x']);
  assert.equal(expandBraces('plain/**/[ab]?'), ['plain/**/[ab]?']);
});

test('expandBraces refuses explosive globs', () => {
  assert.throws(
    () => expandBraces('{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}'),
    (e: unknown) => e instanceof GlobSyntaxError,
  );
});

test.run();
