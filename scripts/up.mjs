#!/usr/bin/env zx
// Build what is stale and start or update the stack: npx zx scripts/up.mjs
import { runScript } from './_run.mjs';

await runScript('up', import.meta.url);
