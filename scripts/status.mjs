#!/usr/bin/env zx
// Show the stack: npx zx scripts/status.mjs [--json]
import { runScript } from './_run.mjs';

await runScript('status', import.meta.url);
