import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/errors.ts';
import { COMPOSE_PROJECT, planStack } from '../../src/stack/plan.ts';
import type { StackConfig } from '../../src/stack/types.ts';
import { GOLDEN_IMAGES, GOLDEN_PROXY_IMAGE, goldenPlan } from '../fixtures/compose/plan.ts';

const limits = { memory: '256m', cpus: 1, pids: 256 };
const config: StackConfig = {
  file: 'faaso.yml',
  target: 'compose',
  bind: '127.0.0.1',
  proxy: { port: 8080 },
  registry: '127.0.0.1:5000',
  routes: [
    { path: '/add', function: 'sum' },
    { path: '/hello', function: 'hello' },
    { path: '/sum', function: 'sum' },
  ],
  functions: [
    { name: 'hello', port: 8623, env: {}, limits, replicas: 1, parallelism: 1 },
    { name: 'sum', port: 8101, env: { A: '1' }, limits: { ...limits, cpus: 0.5 }, replicas: 3, parallelism: 2 },
  ],
};

test('one service per routed function, with its image, hash, healthcheck and every path it serves', () => {
  const plan = planStack(config, GOLDEN_IMAGES, GOLDEN_PROXY_IMAGE);
  assert.is(plan.project, 'faaso');
  assert.is(plan.project, COMPOSE_PROJECT);
  assert.is(plan.bind, '127.0.0.1');
  assert.equal(plan.proxy, { port: 8080, image: GOLDEN_PROXY_IMAGE });
  assert.equal(plan.routes, config.routes);
  assert.equal(plan.services, [
    {
      name: 'hello',
      image: '127.0.0.1:5000/hello:0c1d2e3f4a5b',
      hash: '0c1d2e3f4a5b',
      port: 8623,
      env: {},
      limits,
      healthcheck: ['/app/function', '--healthcheck'],
      paths: ['/hello'],
      replicas: 1,
      parallelism: 1,
    },
    {
      name: 'sum',
      image: '127.0.0.1:5000/sum:ffeb9d46819f',
      hash: 'ffeb9d46819f',
      port: 8101,
      env: { A: '1' },
      limits: { ...limits, cpus: 0.5 },
      healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
      paths: ['/add', '/sum'],
      replicas: 3,
      parallelism: 2,
    },
  ]);
});

test('the plan shares no objects with its inputs (renderers may be handed it freely)', () => {
  const plan = planStack(config, GOLDEN_IMAGES, GOLDEN_PROXY_IMAGE);
  plan.services[1]!.env.B = '2';
  plan.services[1]!.healthcheck.push('x');
  plan.routes.pop();
  assert.equal(config.functions[1]!.env, { A: '1' });
  assert.is(GOLDEN_IMAGES.get('sum')!.healthcheck.length, 3);
  assert.is(config.routes.length, 3);
});

test('sorted output whatever the input order', () => {
  const shuffled = { ...config, routes: [...config.routes].reverse(), functions: [...config.functions].reverse() };
  assert.equal(
    planStack(shuffled, GOLDEN_IMAGES, GOLDEN_PROXY_IMAGE),
    planStack(config, GOLDEN_IMAGES, GOLDEN_PROXY_IMAGE),
  );
});

test('functions without an image are named together, with the command that builds them', () => {
  const err = (() => {
    try {
      planStack(config, new Map(), GOLDEN_PROXY_IMAGE);
    } catch (e) {
      return e as UserError;
    }
  })();
  assert.instance(err, UserError);
  assert.is(err!.message, 'faaso.yml routes to functions "hello", "sum" but no image is known for them');
  assert.is(err!.hint, 'build them first: npx zx scripts/build.mjs hello sum');
  assert.throws(
    () => planStack(config, new Map([['hello', GOLDEN_IMAGES.get('hello')!]]), GOLDEN_PROXY_IMAGE),
    /routes to function "sum" but no image is known for it/,
  );
});

test('the golden fixture plan: sum serves /add and /sum on its explicit port', () => {
  const sum = goldenPlan().services.find((s) => s.name === 'sum')!;
  assert.equal([sum.paths, sum.port], [['/add', '/sum'], 8101]);
});

test.run();
