#!/usr/bin/env zx
// Set (from stdin), list or remove a secret: npx zx scripts/secret.mjs set db-password
import { runScript } from './_run.mjs';

await runScript('secret', import.meta.url);
