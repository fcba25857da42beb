import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  imagesArgv,
  networkCreateArgv,
  projectContainersArgv,
  projectNetworksArgv,
  rmiArgv,
  statsArgv,
} from '../../bench/lib/argv.ts';

test('imagesArgv: one reference filter per pattern, in the order given', () => {
  assert.equal(imagesArgv('{{.ID}}', ['r:5000/faaso-bench-*', 'b/*']), [
    'docker',
    'images',
    '--format',
    '{{.ID}}',
    '--filter',
    'reference=r:5000/faaso-bench-*',
    '--filter',
    'reference=b/*',
  ]);
});

test('rmiArgv: -f only when forced', () => {
  assert.equal(rmiArgv(['a:1', 'b:2']), ['docker', 'rmi', 'a:1', 'b:2']);
  assert.equal(rmiArgv(['a:1'], true), ['docker', 'rmi', '-f', 'a:1']);
});

test('project argv: containers and networks by the compose project label', () => {
  assert.equal(projectContainersArgv('faaso-bench').slice(-2), [
    '--filter',
    'label=com.docker.compose.project=faaso-bench',
  ]);
  assert.equal(projectNetworksArgv('faaso-bench').slice(0, 4), ['docker', 'network', 'ls', '-q']);
  assert.equal(projectNetworksArgv('faaso-bench').slice(-1), ['label=com.docker.compose.project=faaso-bench']);
});

test('networkCreateArgv and statsArgv: names last, so a name is never read as a flag value', () => {
  assert.equal(networkCreateArgv('n1', 'faaso.bench=footprint'), [
    'docker',
    'network',
    'create',
    '--label',
    'faaso.bench=footprint',
    'n1',
  ]);
  assert.equal(statsArgv(['a', 'b']).slice(-2), ['a', 'b']);
});

test.run();
