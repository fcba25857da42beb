#!/usr/bin/env zx
// The quick start: set up, build/test/push the bundled functions, run and call them.
import { runScript } from './_run.mjs';

await runScript('demo', import.meta.url);
