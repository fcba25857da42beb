import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspectTrouble, matchImageInfos, parseImageInfo } from '../../src/docker/engine.ts';
import { dockerImageInspect } from '../../src/docker/argv.ts';

test('image inspect gives id, size and every tag in one call (the builder skips a docker tag by it)', () => {
  assert.match(dockerImageInspect('r/sum:1').join(' '), /range .RepoTags/);
  assert.equal(parseImageInfo('sha256:ab 113 r/sum:1,r/sum:latest,\n'), {
    id: 'sha256:ab',
    size: 113,
    tags: ['r/sum:1', 'r/sum:latest'],
  });
  assert.equal(parseImageInfo('sha256:ab 5 \n'), { id: 'sha256:ab', size: 5, tags: [] });
});

test('one inspect for many refs: each ref matched by its tags, absent ones null, order of lines irrelevant', () => {
  assert.equal(dockerImageInspect('r/a:1', 'r/b:2').slice(-2), ['r/a:1', 'r/b:2']);
  // What docker prints for `inspect r/b:2 r/gone:3 r/a:1 r/c:4` when r/gone:3 is absent (exit 1)
  // and r/c:4 is the same image as r/a:1.
  const stdout = 'sha256:bb 20 r/b:2,r/b:latest,\nsha256:aa 10 r/a:1,r/c:4,\nsha256:aa 10 r/a:1,r/c:4,\n';
  const got = matchImageInfos(['r/a:1', 'r/gone:3', 'r/b:2', 'r/c:4'], stdout);
  assert.equal([...got.keys()], ['r/a:1', 'r/gone:3', 'r/b:2', 'r/c:4']);
  assert.is(got.get('r/a:1')?.id, 'sha256:aa');
  assert.is(got.get('r/c:4')?.id, 'sha256:aa');
  assert.equal(got.get('r/b:2'), { id: 'sha256:bb', size: 20, tags: ['r/b:2', 'r/b:latest'] });
  assert.is(got.get('r/gone:3'), null);
  // A tag is matched whole: r/b:2 does not answer for r/b:20.
  assert.is(matchImageInfos(['r/b:20'], stdout).get('r/b:20'), null);
  assert.equal([...matchImageInfos(['r/x:1'], '').values()], [null]);
});

test('inspectTrouble: missing images are no trouble; an engine that never answered is', () => {
  const r = (exitCode: number, stdout: string, stderr: string) => ({ exitCode, stdout, stderr });
  assert.is(inspectTrouble(r(0, 'sha256:a 1 x:1,\n', '')), null);
  // Some found, one missing: exit 1, the found ones still printed.
  assert.is(inspectTrouble(r(1, 'sha256:a 1 x:1,\n', 'Error response from daemon: No such image: y:1\n')), null);
  // None found (older CLIs word it "Error: No such image").
  assert.is(inspectTrouble(r(1, '', 'Error: No such image: y:1\n')), null);
  const down = 'Cannot connect to the Docker daemon at unix:///tmp/x.sock. Is the docker daemon running?';
  assert.match(inspectTrouble(r(1, '', `${down}\n`)) ?? '', /Cannot connect to the Docker daemon/);
  assert.ok(inspectTrouble(r(1, '[]\n', `${down}\n`)), 'the CLI may print an empty list');
  assert.match(
    inspectTrouble(r(1, '', 'permission denied while trying to connect to the Docker daemon socket\n')) ?? '',
    /permission denied/,
  );
});

test.run();
