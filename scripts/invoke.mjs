#!/usr/bin/env zx
// Call a function: npx zx scripts/invoke.mjs NAME [--method M] [--path P] [--data JSON|@FILE] [-H 'k: v'] [--direct]
import { runScript } from './_run.mjs';

await runScript('invoke', import.meta.url);
