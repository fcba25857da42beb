// `scale` edits faaso.yml in place: only the replicas change, comments and layout stay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setReplicas } from '../../src/stack/config/edit.ts';
import { UserError } from '../../src/errors.ts';

const FILE = `# yaml-language-server: $schema=./schemas/faaso.schema.json
routes:                 # path → function
  /sum: sum
  /mul: multiply
functions:
  sum:
    port: 8101          # my port
    replicas: 2
  multiply: {port: 8102}
`;

test('an existing replicas value is replaced, nothing else moves', () => {
  assert.is(setReplicas(FILE, 'sum', 3), FILE.replace('replicas: 2', 'replicas: 3'));
});

test('a flow mapping gets the key before its brace; nothing else moves', () => {
  assert.is(setReplicas(FILE, 'multiply', 4), FILE.replace('{port: 8102}', '{port: 8102, replicas: 4 }'));
  assert.is(
    setReplicas('routes: {/a: a}\nfunctions:\n  a: {}\n', 'a', 2),
    'routes: {/a: a}\nfunctions:\n  a: { replicas: 2}\n',
  );
});

test('a block mapping without the key gets one line, at its indentation, after a trailing comment', () => {
  const text = 'routes:\n  /a: a\nfunctions:\n    a:\n        port: 9000   # mine\n    b:\n        port: 9001\n';
  assert.is(
    setReplicas(text, 'a', 3),
    text.replace('port: 9000   # mine\n', 'port: 9000   # mine\n        replicas: 3\n'),
  );
});

test('a function without settings, and a file without functions:', () => {
  assert.is(setReplicas(FILE, 'hello', 2), `${FILE}  hello:\n    replicas: 2\n`);
  const bare = setReplicas('routes:\n  /sum: sum # keep\n', 'sum', 3);
  assert.is(bare, 'routes:\n  /sum: sum # keep\nfunctions:\n  sum:\n    replicas: 3\n');
  assert.match(setReplicas('routes:\n  /sum: sum\nfunctions:\n', 'sum', 2), /functions:\n {2}sum:\n {4}replicas: 2\n/);
});

test('a file that is not a mapping, or functions that are not: a user error, nothing written', () => {
  assert.throws(
    () => setReplicas('- a\n', 'sum', 2),
    (e: unknown) => e instanceof UserError && /must be a mapping/.test(e.message),
  );
  assert.throws(
    () => setReplicas('routes: {}\nfunctions: [a]\n', 'sum', 2),
    (e: unknown) => e instanceof UserError && /functions: must be a mapping/.test(e.message),
  );
  assert.throws(
    () => setReplicas('routes: {}\nfunctions:\n  sum: 3\n', 'sum', 2),
    (e: unknown) => e instanceof UserError && /functions\.sum: must be a mapping/.test(e.message),
  );
});

test.run();
