#!/usr/bin/env zx
// A function's logs: npx zx scripts/logs.mjs NAME [-f]
import { runScript } from './_run.mjs';

await runScript('logs', import.meta.url);
