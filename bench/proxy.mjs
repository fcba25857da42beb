#!/usr/bin/env zx
// Benchmark, through Caddy vs direct: throughput and p50/p99 latency per runtime (wrk): npx zx bench/proxy.mjs [--help]
import { runBenchScript } from './_run.mjs';

await runBenchScript('proxy', import.meta.url);
