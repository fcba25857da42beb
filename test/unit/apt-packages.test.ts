// Package names reach apt-get in every template's Dockerfile: apt must read each
// one exactly (never as a regex, glob or removal), whatever the template.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aptPackageArg, dockerfileVars } from '../../src/build/dockerfile-vars.ts';
import { renderDockerfile } from '../../src/build/render.ts';
import { loadTemplates } from '../../src/template/load.ts';
import type { FunctionSpec } from '../../src/function/types.ts';
import { BUILD_PROFILES } from '../../src/settings.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const spec = (runtime: string): FunctionSpec => ({
  name: 'pkgs',
  dir: '/f',
  file: 'functions/pkgs/function.yml',
  runtime,
  description: '',
  packages: { build: ['g++', 'libz-dev'], run: ['afl++', 'zlib1g=1:1.3'] },
  files: [],
  env: {},
  secrets: [],
  testSecrets: {},
  tests: [],
  ignore: [],
});

test('names ending in "+" get an architecture, so apt-get never strips the "+" and installs another package', () => {
  assert.is(aptPackageArg('g++'), 'g++:native');
  assert.is(aptPackageArg('ncbi-blast+'), 'ncbi-blast+:native');
  assert.is(aptPackageArg('curl'), 'curl');
  assert.is(aptPackageArg('g++=4:14.2.0-1'), 'g++=4:14.2.0-1');
});

test('every apt-get install of every template reads names exactly (Pattern-Only), with the function packages', async () => {
  const templates = await loadTemplates(REPO);
  assert.equal([...templates.keys()], ['crystal', 'node', 'python']);
  for (const [runtime, meta] of templates) {
    const source = fs.readFileSync(path.join(meta.dir, 'Dockerfile.hbs'), 'utf8');
    for (const profile of BUILD_PROFILES) {
      const vars = dockerfileVars(spec(runtime), meta, 'debian:trixie-slim', profile);
      const installs = renderDockerfile(source, vars, runtime)
        .split('\n')
        .filter((l) => /apt-get install/.test(l));
      const at = `${runtime} (${profile})`;
      assert.is(installs.length, 2, `${at}: one install per stage`);
      for (const line of installs) assert.match(line, / -o APT::Cmd::Pattern-Only=true /, `${at}: ${line}`);
      assert.match(installs[0]!, / g\+\+:native /, at);
      assert.match(installs[1]!, / afl\+\+:native /, at);
      assert.match(installs[1]!, / zlib1g=1:1\.3 /, at);
    }
  }
});

test.run();
