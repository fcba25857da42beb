#!/usr/bin/env zx
// Set up a Docker Swarm for faaso: npx zx scripts/swarm.mjs init|join|status
import { runScript } from './_run.mjs';

await runScript('swarm', import.meta.url);
