import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FunctionSpec } from '../../src/function/types.ts';
import type { TemplateMeta } from '../../src/template/types.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  imageNames,
  mergeTrees,
  planBuild,
  sha256,
  valuesRead,
  type BuildPlan,
  type SourceFile,
} from '../../src/build/plan.ts';
import { renderDockerfile } from '../../src/build/render.ts';
import { parseBuildProfile, REPO_ROOT } from '../../src/settings.ts';

const file = (rel: string, content = rel, root = '/t'): SourceFile => ({
  rel,
  abs: `${root}/${rel}`,
  sha256: sha256(content),
  executable: false,
});

const template: TemplateMeta = {
  name: 'python',
  dir: '/t',
  description: 'py',
  handler: 'handler.py',
  ship: ['**/*.py'],
  packages: { build: ['python3'], run: ['python3'] },
  cmd: ['/usr/bin/python3', '/app/server.py'],
  healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
};

const spec = (over: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name: 'sum',
  dir: '/f',
  file: 'functions/sum/function.yml',
  runtime: 'python',
  description: '',
  packages: { build: [], run: [] },
  files: [],
  env: {},
  secrets: [],
  testSecrets: {},
  tests: [],
  ignore: [],
  ...over,
});

const templateFiles = [
  file('template.yml'),
  file('Dockerfile.hbs'),
  file('skeleton/handler.py'),
  file('server.py'),
  file('handler.py', 'default'),
  file('requirements.txt', ''),
];
const functionFiles = [
  file('function.yml', 'yml', '/f'),
  file('handler.py', 'mine', '/f'),
  file('data/a.json', '{}', '/f'),
  file('notes.txt', 'n', '/f'),
];
const input = (
  over: Partial<FunctionSpec> = {},
  dockerfileTemplate = 'FROM {{baseImage}}\nRUN x {{runPackages}}\n',
) => ({
  spec: spec(over),
  template,
  dockerfileTemplate,
  templateFiles,
  functionFiles,
  registry: '127.0.0.1:5000',
  baseImage: 'debian:trixie-slim',
  profile: 'release' as const,
});

/** The plan's Dockerfile as writeContext renders it. */
const rendered = (plan: BuildPlan): string =>
  renderDockerfile(plan.dockerfile.template, plan.dockerfile.vars, plan.dockerfile.file);

test('mergeTrees: function files win, template metadata and function.yml stay out', () => {
  const merged = mergeTrees(templateFiles, functionFiles);
  assert.equal([...merged.keys()], ['data/a.json', 'handler.py', 'notes.txt', 'requirements.txt', 'server.py']);
  assert.is(merged.get('handler.py')!.abs, '/f/handler.py');
});

test('planBuild lays out function/ (merged) and app/ (shipped) deterministically', () => {
  const plan = planBuild(input({ files: ['data/*.json'] }));
  assert.equal(
    plan.entries.map((e) => e.dest),
    [
      'app/.faaso',
      'app/data/a.json',
      'app/handler.py',
      'app/server.py',
      'function/data/a.json',
      'function/handler.py',
      'function/notes.txt',
      'function/requirements.txt',
      'function/server.py',
    ],
  );
  assert.is(rendered(plan), 'FROM debian:trixie-slim\nRUN x python3\n');
  assert.equal(plan.image, imageNames('127.0.0.1:5000', 'sum', plan.hash));
  assert.match(plan.hash, /^[0-9a-f]{12}$/);
  assert.is(plan.image.candidateRef, `faaso-candidate/sum:${plan.hash}`);
});

test('content hash: stable for the same input, changes with code, packages, tests', () => {
  const a = planBuild(input()).hash;
  assert.is(planBuild(input()).hash, a);
  assert.is.not(planBuild(input({ packages: { build: [], run: ['curl'] } })).hash, a);
  const changedCode = {
    ...input(),
    functionFiles: functionFiles.map((f) => (f.rel === 'handler.py' ? { ...f, sha256: sha256('other') } : f)),
  };
  assert.is.not(planBuild(changedCode).hash, a);
  const changedYml = {
    ...input(),
    functionFiles: functionFiles.map((f) => (f.rel === 'function.yml' ? { ...f, sha256: sha256('tests changed') } : f)),
  };
  assert.is.not(planBuild(changedYml).hash, a);
  // Input order must not matter.
  assert.is(planBuild({ ...input(), functionFiles: [...functionFiles].reverse() }).hash, a);
});

test('env values are quoted for the Dockerfile, so they cannot inject instructions', () => {
  const plan = planBuild(
    input({ env: { B: 'x" \\ $HOME', A: 'plain' } }, '{{#each env}}ENV {{key}}={{value}}\n{{/each}}'),
  );
  assert.is(rendered(plan), 'ENV A="plain"\nENV B="x\\" \\\\ \\$HOME"\n');
});

test('a template using an unknown variable fails loudly (strict mode) when rendered, every time', () => {
  const plan = planBuild(input({}, 'FROM {{baseImag}}'));
  for (let i = 0; i < 2; i++) assert.throws(() => rendered(plan), /Dockerfile\.hbs: cannot render/);
});

test('content hash covers the template text and every value it reads, without rendering', () => {
  const a = planBuild(input());
  assert.is.not(planBuild(input({}, 'FROM {{baseImage}}\nRUN y {{runPackages}}\n')).hash, a.hash);
  assert.is.not(planBuild({ ...input(), baseImage: 'debian:trixie' }).hash, a.hash);
  const withEnv = 'FROM {{baseImage}}\n{{#each env}}ENV {{key}}={{value}}\n{{/each}}';
  assert.is.not(planBuild(input({ env: { X: '1' } }, withEnv)).hash, planBuild(input({}, withEnv)).hash);
  assert.is(planBuild(input({ env: { X: '1' } })).hash, a.hash, 'a template without env is not changed by it');
  // Values the template never names cannot change it; reading the whole context counts as naming all.
  assert.equal(Object.keys(valuesRead('FROM {{baseImage}}\n{{#each env}}{{key}}{{/each}}', a.dockerfile.vars)), [
    'baseImage',
    'env',
  ]);
  for (const whole of [
    '{{#each this}}{{@key}}{{/each}}',
    '{{@root.name}}',
    '{{lookup . "name"}}',
    '{{#with .}}{{/with}}',
    '{{#each env}}{{#with ..}}{{name}}{{/with}}{{/each}}',
  ])
    assert.is(valuesRead(whole, a.dockerfile.vars), a.dockerfile.vars, whole);
  // A broken template still plans (an up-to-date check never loads Handlebars); the
  // build that writes its context reports it (above).
  assert.match(planBuild(input({}, 'FROM {{baseImag}}')).hash, /^[0-9a-f]{12}$/);
});

test('one Dockerfile.hbs compiled once still renders each function with its own values', () => {
  const hbs = 'FROM {{baseImage}}\n{{#each env}}ENV {{key}}={{value}}\n{{/each}}LABEL n={{name}}\n';
  const a = rendered(planBuild(input({ name: 'a', env: { X: '1' } }, hbs)));
  const b = rendered(planBuild(input({ name: 'b', env: { Y: '2' } }, hbs)));
  assert.is(a, 'FROM debian:trixie-slim\nENV X="1"\nLABEL n=a\n');
  assert.is(b, 'FROM debian:trixie-slim\nENV Y="2"\nLABEL n=b\n');
});

test('the crystal template: --release by default, -O3 with a per-function compile cache for profile fast', async () => {
  const hbs = await fs.readFile(path.join(REPO_ROOT, 'templates/crystal/Dockerfile.hbs'), 'utf8');
  const release = planBuild({ ...input({ name: 'hello', runtime: 'crystal' }, hbs), profile: 'release' });
  const fast = planBuild({ ...input({ name: 'hello', runtime: 'crystal' }, hbs), profile: 'fast' });
  assert.match(rendered(release), /if \[ release = fast \]; then opt=-O3; else opt=--release; fi/);
  assert.match(rendered(fast), /if \[ fast = fast \]/);
  assert.match(rendered(fast), /--mount=type=cache,id=faaso-crystal-hello,target=\/cache\/crystal/);
  // Different binaries, different images; a runtime that ignores the profile builds one image for both.
  assert.is.not(release.hash, fast.hash);
  assert.is(planBuild({ ...input(), profile: 'fast' }).hash, planBuild(input()).hash);
});

test('FAASO_BUILD_PROFILE: release by default, fast on request, anything else named', () => {
  assert.is(parseBuildProfile(undefined), 'release');
  assert.is(parseBuildProfile(' fast '), 'fast');
  assert.throws(() => parseBuildProfile('debug'), /FAASO_BUILD_PROFILE: unknown profile "debug"/);
});

test.run();
