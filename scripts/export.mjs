#!/usr/bin/env zx
// Write a function's build context: npx zx scripts/export.mjs NAME DIR
import { runScript } from './_run.mjs';

await runScript('export', import.meta.url);
