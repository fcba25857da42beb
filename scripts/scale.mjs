#!/usr/bin/env zx
// Set a function's replicas in faaso.yml and apply it: npx zx scripts/scale.mjs sum 3
import { runScript } from './_run.mjs';

await runScript('scale', import.meta.url);
