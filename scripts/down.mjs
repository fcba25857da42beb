#!/usr/bin/env zx
// Stop the stack: npx zx scripts/down.mjs
import { runScript } from './_run.mjs';

await runScript('down', import.meta.url);
