#!/usr/bin/env zx
// The proxy's internal CA root certificate, for clients to trust: npx zx scripts/tls.mjs ca [--out FILE]
import { runScript } from './_run.mjs';

await runScript('tls', import.meta.url);
