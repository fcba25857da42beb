#!/usr/bin/env zx
// Benchmark, image size and idle memory per runtime vs the base image: npx zx bench/footprint.mjs [--help]
import { runBenchScript } from './_run.mjs';

await runBenchScript('footprint', import.meta.url);
