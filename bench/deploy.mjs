#!/usr/bin/env zx
// Benchmark, up→healthy for 3/10/30 functions, Caddy reload by route count, redeploy and rolling update under load, plan+render of 1,000 functions: npx zx bench/deploy.mjs [--help]
import { runBenchScript } from './_run.mjs';

await runBenchScript('deploy', import.meta.url);
