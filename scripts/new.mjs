#!/usr/bin/env zx
// Scaffold a function: npx zx scripts/new.mjs NAME --runtime RUNTIME
import { runScript } from './_run.mjs';

await runScript('new', import.meta.url);
