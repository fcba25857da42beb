// npx zx scripts/tls.mjs ca [--out FILE]: the root certificate of the proxy's
// internal CA (proxy.tls.internal: true), for clients to trust. It is read from
// the running proxy, whose volume keeps the CA; the CA's key never leaves it.
import path from 'node:path';
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { run } from '../exec/runner.ts';
import { catInContainer } from '../stack/argv.ts';
import { loadStackConfig, STACK_FILE } from '../stack/config/load.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { INTERNAL_ROOT_CERT } from '../stack/render/proxy-tls.ts';
import { rootCertificate } from '../stack/tls-ca.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { failureLine } from '../util/text.ts';
import { parseCli } from './entry.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/tls.mjs ca [--out FILE]';

const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  if (positionals.length !== 1 || positionals[0] !== 'ca')
    throw new UserError(
      positionals[0] ? `unknown action ${JSON.stringify(positionals[0])}` : 'missing action',
      `usage: ${USAGE}`,
    );
  const { settings } = await openProject();
  const config = await loadStackConfig(settings.root, { registry: settings.registry });
  if (config.proxy.tls?.mode !== 'internal')
    throw new UserError(
      `${STACK_FILE}: proxy.tls: the proxy has no internal CA (${config.proxy.tls ? `its certificates come from ${config.proxy.tls.mode === 'acme' ? 'a public CA' : 'your files'}` : 'no TLS'})`,
      'set proxy.tls: {domain: NAME, internal: true} and run npx zx scripts/up.mjs',
    );
  await ensureEngine();
  const project = composeTarget(settings).project;
  const proxy = (await observeStack(project)).find((c) => c.role === 'proxy' && c.status === 'running');
  if (!proxy)
    throw new UserError(
      `the proxy of stack ${project} is not running: the CA lives in its volume`,
      'start the stack: npx zx scripts/up.mjs',
    );
  const r = await run(catInContainer(proxy.name, INTERNAL_ROOT_CERT), { timeoutMs: 30_000 });
  const root = r.exitCode === 0 ? rootCertificate(r.stdout) : { error: failureLine(r) };
  if ('error' in root)
    throw new UserError(
      `cannot read the internal CA's root certificate from ${proxy.name}: ${root.error}`,
      'the proxy creates its CA when it starts with internal: true; see npx zx scripts/logs.mjs proxy',
    );
  if (typeof values.out === 'string') {
    await writeFileAtomic(path.resolve(values.out), root.pem);
    info(`wrote ${values.out}`);
  } else process.stdout.write(root.pem);
  info(`${root.subject}, valid until ${root.validTo}\nSHA-256 fingerprint ${root.fingerprint}`);
  return 0;
}
