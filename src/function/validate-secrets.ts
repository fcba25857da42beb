// function.yml's `secrets` (what the function needs, mounted read-only at
// /run/secrets/NAME) and `test_secrets` (the values its tests run with: tests
// never read the production store, so a build works on a machine without it).
import { fieldPath, isAbsent, isMapping, typeName, type Problems } from '../util/fields.ts';
import { readSecretNames } from '../secrets/fields.ts';
import { SECRET_MAX_BYTES } from '../secrets/rules.ts';

export interface FunctionSecrets {
  secrets: string[];
  testSecrets: Record<string, string>;
}

function readTestValues(raw: unknown, declared: readonly string[], p: Problems): Record<string, string> {
  const out: Record<string, string> = {};
  if (isAbsent(raw)) return out;
  if (!isMapping(raw)) {
    p.add('test_secrets', `must be a mapping of secret name → test value (got ${typeName(raw)})`);
    return out;
  }
  for (const [name, value] of Object.entries(raw)) {
    const field = fieldPath('test_secrets', name);
    if (!declared.includes(name)) {
      p.add(field, `"${name}" is not listed under secrets; declare it there, or remove this test value`);
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && isFinite(value))) {
      p.add(field, `must be a string (got ${typeName(value)})`);
      continue;
    }
    const text = String(value);
    if (text === '') p.add(field, 'must not be empty (a secret is never empty)');
    else if (Buffer.byteLength(text) > SECRET_MAX_BYTES) p.add(field, `must be at most ${SECRET_MAX_BYTES} bytes`);
    else out[name] = text;
  }
  return out;
}

/** Both fields; every declared secret needs a test value when the function has tests. */
export function readFunctionSecrets(raw: Record<string, unknown>, hasTests: boolean, p: Problems): FunctionSecrets {
  const secrets = readSecretNames(raw.secrets, 'secrets', p).sort();
  const testSecrets = readTestValues(raw.test_secrets, secrets, p);
  if (hasTests)
    for (const name of secrets)
      if (!(name in testSecrets) && !(isMapping(raw.test_secrets) && name in raw.test_secrets))
        p.add(
          'test_secrets',
          `no test value for "${name}": the tests never read the secret store; add test_secrets: {${name}: "a test value"}`,
        );
  return { secrets, testSecrets: Object.fromEntries(Object.entries(testSecrets).sort(([a], [b]) => (a < b ? -1 : 1))) };
}
