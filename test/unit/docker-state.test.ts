// The leftover check of the test runner (test/docker-state.ts), pure part.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeLeftovers, leftovers, type DockerState } from '../docker-state.ts';

const empty: DockerState = { images: [], containers: [], volumes: [], networks: [], registry: [] };

test('nothing new: nothing left', () => {
  const s = { ...empty, images: ['debian:trixie-slim', 'foo:1'], containers: ['x'] };
  assert.equal(leftovers(s, s), {});
});

test("faaso's own products may appear; everything else new is a leftover", () => {
  const after: DockerState = {
    images: [
      'debian:trixie-slim',
      'faaso/caddy:30183314881c',
      '127.0.0.1:5000/sum:db110cefcee4',
      '127.0.0.1:5000/faasoit-ver:latest',
      '<none>@f45e9cc7cc88',
    ],
    containers: ['faaso-registry', 'faaso-it-watch-sum-1'],
    volumes: ['faaso-registry-data', 'faaso-registry-33169-data'],
    networks: ['bridge', 'faaso-it_faaso'],
    registry: ['sum:latest', 'faasoit-keep:1'],
  };
  const l = leftovers({ ...empty, networks: ['bridge'] }, after);
  assert.equal(l, {
    images: ['127.0.0.1:5000/faasoit-ver:latest', '<none>@f45e9cc7cc88'],
    containers: ['faaso-it-watch-sum-1'],
    volumes: ['faaso-registry-33169-data'],
    networks: ['faaso-it_faaso'],
    registry: ['faasoit-keep:1'],
  });
  assert.match(describeLeftovers(l), /^ {2}images: 127\.0\.0\.1:5000\/faasoit-ver:latest, <none>@f45e9cc7cc88$/m);
});

test("what was there before the run is not the run's doing", () => {
  const before = { ...empty, images: ['127.0.0.1:5000/faasoit-ver:latest'] };
  assert.equal(leftovers(before, before), {});
});

test.run();
