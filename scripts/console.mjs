#!/usr/bin/env zx
// The web console: npx zx scripts/console.mjs [--port 8090] [--bind 127.0.0.1]
import { runScript } from './_run.mjs';

await runScript('console', import.meta.url);
