#!/usr/bin/env zx
// Manage the local registry: npx zx scripts/registry.mjs start|stop|status
import { runScript } from './_run.mjs';

await runScript('registry', import.meta.url);
