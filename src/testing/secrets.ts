// A function's test secrets (function.yml `test_secrets`) as its tests see
// them: files in a private temp folder, mounted read-only at /run/secrets/NAME
// of the test container exactly as the stack mounts the real ones. The
// production store is never read; the folder is removed afterwards, or on
// interrupt.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withCleanup } from '../exec/cleanup.ts';
import type { FunctionSpec } from '../function/types.ts';
import { writeDeployFiles } from '../secrets/deploy.ts';
import { FUNCTION_SECRETS_DIR } from '../secrets/rules.ts';

/** Runs `body` with the `-v` mounts of the spec's test secrets (none when it declares no secret). */
export async function withTestSecrets<T>(spec: FunctionSpec, body: (volumes: string[]) => Promise<T>): Promise<T> {
  if (spec.secrets.length === 0) return body([]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `faaso-test-secrets-${spec.name}-`));
  return withCleanup(
    () => fs.rm(dir, { recursive: true, force: true }),
    async () => {
      // Validation made sure every declared secret has a test value.
      const files = spec.secrets.map((name) => ({ rel: name, content: Buffer.from(spec.testSecrets[name] ?? '') }));
      await writeDeployFiles(dir, files);
      return body(spec.secrets.map((name) => `${path.join(dir, name)}:${FUNCTION_SECRETS_DIR}/${name}:ro`));
    },
  );
}
