import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseImageInfo } from '../../src/docker/engine.ts';
import { dockerImageInspect } from '../../src/docker/argv.ts';

test('image inspect gives id, size and every tag in one call (the builder skips a docker tag by it)', () => {
  assert.match(dockerImageInspect('r/sum:1').join(' '), /range .RepoTags/);
  assert.equal(parseImageInfo('sha256:ab 113 r/sum:1,r/sum:latest,\n'), { id: 'sha256:ab', size: 113, tags: ['r/sum:1', 'r/sum:latest'] });
  assert.equal(parseImageInfo('sha256:ab 5 \n'), { id: 'sha256:ab', size: 5, tags: [] });
});

test.run();
