#!/usr/bin/env zx
// Benchmark, per runtime: cold, no-change and one-line-change builds vs plain docker build: npx zx bench/build.mjs [--help]
import { runBenchScript } from './_run.mjs';

await runBenchScript('build', import.meta.url);
