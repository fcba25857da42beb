#!/usr/bin/env zx
// Generate compose/ from faaso.yml without starting anything: npx zx scripts/compose.mjs
import { runScript } from './_run.mjs';

await runScript('compose', import.meta.url);
