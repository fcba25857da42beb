#!/usr/bin/env zx
// Make this machine ready for faaso (Docker engine, compose + buildx, base image): npx zx scripts/setup.mjs
import { runScript } from './_run.mjs';

await runScript('setup', import.meta.url);
