#!/usr/bin/env zx
// Run functions' tests against their images: npx zx scripts/test.mjs NAME… [--all]
import { runScript } from './_run.mjs';

await runScript('test', import.meta.url);
