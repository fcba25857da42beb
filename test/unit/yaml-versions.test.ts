// Generated YAML means the same to a YAML 1.1 reader (compose v1, PyYAML) and a
// YAML 1.2 reader (compose v2): hostile-but-valid names and values rendered,
// then read back under both versions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { toYaml } from '../../src/stack/render/yaml.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import { renderSwarmStack } from '../../src/stack/render/swarm.ts';
import { planStack, type FunctionImage } from '../../src/stack/plan.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import type { StackPlan } from '../../src/stack/types.ts';
import { swarmRoutes } from '../fixtures/swarm/plan.ts';

// Each reads as something else than itself in YAML 1.1, 1.2, or both.
const TRICKY = ['y', 'Y', 'n', 'no', 'NO', 'on', 'Off', 'yes', 'true', 'null', '~', '', '0b101', '0o10', '010', '08'];
const TRICKY_MORE = [
  '0x1F',
  '1_000',
  '1:30',
  '190:20:30',
  '2001-12-14',
  '.inf',
  '-.Inf',
  '.NaN',
  '1e3',
  '+1',
  '<<',
  '=',
];
const HOSTILE = [...TRICKY, ...TRICKY_MORE];

const both = (text: string): [unknown, unknown] => [parse(text, { version: '1.1' }), parse(text, { version: '1.2' })];

test('every tricky key is quoted; ordinary keys stay plain', () => {
  const plain = ['services', 'sum', 'x-a', 'faaso.config', 'GREETING', '_1', 'a1'];
  const text = toYaml(Object.fromEntries([...HOSTILE, ...plain].map((k) => [k, 1])));
  for (const k of HOSTILE) assert.ok(text.includes(`${JSON.stringify(k)}: 1\n`), k);
  for (const k of plain) assert.ok(text.includes(`${k}: 1\n`) && !text.includes(`"${k}"`), k);
});

test('toYaml: hostile keys and values read back identically under YAML 1.1 and 1.2', () => {
  const value = {
    keys: Object.fromEntries(HOSTILE.map((k, i) => [k, i])),
    values: Object.fromEntries(HOSTILE.map((v, i) => [`v${i}`, v])),
    list: HOSTILE,
    numbers: { cpus: 0.5, pids: 64, replicas: 3, memory: 134217728, on: true },
  };
  const text = toYaml(value);
  const [v11, v12] = both(text);
  assert.equal(v11, value);
  assert.equal(v12, value);
});

/** A compose or swarm plan with functions named like YAML 1.1 specials and tricky env. */
function hostilePlan(target: 'compose' | 'swarm'): StackPlan {
  const names = ['y', 'no', 'on', 'off', '0b101', '2001-12-14', '08', '0o10', '1e3', '0x1f'];
  const env = Object.fromEntries(['ON', 'Y', 'NO', 'y', 'Null', '_1'].map((k, i) => [k, TRICKY_MORE[i]!]));
  const raw = {
    target,
    ...(target === 'swarm' ? { bind: '0.0.0.0', registry: '10.0.0.5:5000' } : {}),
    routes: Object.fromEntries(names.map((n) => [`/${n}`, n])),
    functions: Object.fromEntries(names.map((n) => [n, { env: { ...env, NAME: n, EMPTY: '', TILDE: '~' } }])),
  };
  const r = validateStackConfig(raw, { file: 'faaso.yml', functions: names, registry: '127.0.0.1:5000', hostCpus: 2 });
  assert.equal(r.problems, []);
  const images = new Map<string, FunctionImage>(
    names.map((n) => [n, { hash: '0123456789ab', image: `127.0.0.1:5000/${n}:0123456789ab`, healthcheck: ['/x'] }]),
  );
  return planStack(r.config!, images, 'faaso/caddy:5a6b7c8d9e0f');
}

for (const [target, render] of [
  ['compose', renderCompose],
  ['swarm', (plan: StackPlan) => renderSwarmStack(plan, swarmRoutes(plan))],
] as const) {
  test(`the ${target} file of functions named y, no, 0b101, 2001-12-14… reads the same under YAML 1.1 and 1.2`, () => {
    const plan = hostilePlan(target);
    const text = render(plan);
    const [v11, v12] = both(text) as [any, any];
    assert.equal(v11, v12);
    for (const s of plan.services) {
      assert.ok(v11.services[s.name], `${s.name} is a service under YAML 1.1`);
      assert.equal(v11.services[s.name].environment.ON, '0x1F');
      assert.equal(v11.services[s.name].environment.TILDE, '~');
      assert.equal(v11.services[s.name].environment.NAME, s.name);
    }
  });
}

test.run();
