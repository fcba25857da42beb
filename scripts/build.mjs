#!/usr/bin/env zx
// Build, test and push function images: npx zx scripts/build.mjs NAME… [--all]
import { runScript } from './_run.mjs';

await runScript('build', import.meta.url);
