#!/usr/bin/env zx
// Keep the stack alive: npx zx scripts/watch.mjs [--interval S] [--once] [--unhealthy-threshold N] [--json]
import { runScript } from './_run.mjs';

await runScript('watch', import.meta.url);
