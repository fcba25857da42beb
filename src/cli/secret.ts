// npx zx scripts/secret.mjs set NAME [--from-file F] | list [--json] | rm NAME:
// the secret store (secrets/store.ts). `set` reads the value from stdin (or a
// file), never from argv; nothing ever prints a value. `up` then rolls a new
// value out to exactly the functions and routes that use it.
import { UserError } from '../errors.ts';
import { loadAllFunctions } from '../function/load.ts';
import type { Project } from '../project.ts';
import { openProject } from '../project.ts';
import { secretNameProblem } from '../secrets/rules.ts';
import { listSecrets, removeSecret, setSecret } from '../secrets/store.ts';
import { describeUse, secretUses, type SecretUse } from '../secrets/uses.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { renderTable } from '../stack/table.ts';
import { byCodeUnit } from '../util/fields.ts';
import { log } from './context.ts';
import { parseCli } from './entry.ts';
import { readSecretValue } from './secret-input.ts';

const USAGE = 'npx zx scripts/secret.mjs set NAME [--from-file FILE] | list [--json] | rm NAME';

/** Where the project uses secrets; a file that does not validate is named on stderr and skipped. */
async function projectUses(project: Project): Promise<SecretUse[]> {
  const { root, registry } = project.settings;
  const note = (what: string, err: unknown): void => {
    process.stderr.write(`note: ${what} not read (${(err as Error).message.split('\n')[0]})\n`);
  };
  const specs = await loadAllFunctions(root, project.templates).catch((err) => (note('functions', err), []));
  const config = await loadStackConfig(root, { registry }).catch((err) => (note('faaso.yml', err), undefined));
  return secretUses(config?.file ?? 'faaso.yml', config?.routes ?? [], specs);
}

const usedBy = (uses: readonly SecretUse[], name: string): string[] =>
  uses.filter((u) => u.secret === name).map(describeUse);

async function set(project: Project, name: string, fromFile: string | undefined): Promise<void> {
  const why = secretNameProblem(name);
  if (why) throw new UserError(why, 'e.g. db-password; nothing was read or stored');
  const value = await readSecretValue(name, fromFile);
  await setSecret(project.settings.secretsDir, name, value);
  const users = usedBy(await projectUses(project), name);
  log(`secret ${name} set (${value.length} bytes)`);
  log(
    users.length > 0
      ? `used by ${users.join(', ')}: npx zx scripts/up.mjs rolls it out to them (and only them)`
      : `not used yet: list it under secrets: in a function.yml, or in a route's auth in faaso.yml`,
  );
}

async function list(project: Project, json: boolean): Promise<void> {
  const stored = await listSecrets(project.settings.secretsDir);
  const uses = await projectUses(project);
  const names = [...new Set([...stored.map((s) => s.name), ...uses.map((u) => u.secret)])].sort(byCodeUnit);
  const rows = names.map((name) => ({
    name,
    usedBy: usedBy(uses, name),
    setAt: stored.find((s) => s.name === name)?.setAt.toISOString() ?? null,
  }));
  if (json) return log(JSON.stringify(rows, null, 2));
  if (rows.length === 0) return log(`no secrets yet: ${USAGE.split(' | ')[0]}`);
  log(
    renderTable(
      ['NAME', 'SET', 'USED BY'],
      rows.map((r) => [r.name, r.setAt ?? 'not set', r.usedBy.join(', ') || '-']),
    ),
  );
}

async function remove(project: Project, name: string): Promise<void> {
  if (!(await removeSecret(project.settings.secretsDir, name)))
    throw new UserError(`no secret "${name}" is set`, 'list them with: npx zx scripts/secret.mjs list');
  const users = usedBy(await projectUses(project), name);
  log(`secret ${name} removed`);
  if (users.length > 0)
    log(`still used by ${users.join(', ')}: up fails until it is set again (what runs keeps its copy)`);
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { 'from-file': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  const [action, name, ...extra] = positionals;
  const needsName = action === 'set' || action === 'rm';
  if (extra.length > 0 || (needsName && !name) || (action === 'list' && name !== undefined))
    throw new UserError(
      extra.length > 0 && action === 'set'
        ? 'a value is never given on the command line (the shell history and process list would show it)'
        : `wrong arguments for ${action ?? 'secret'}`,
      `usage: ${USAGE}\n(set reads the value from stdin, e.g. printf %s "$VALUE" | … set NAME, or asks for it)`,
    );
  if (values['from-file'] !== undefined && action !== 'set')
    throw new UserError('--from-file is for set', `usage: ${USAGE}`);
  const project = await openProject();
  if (action === 'set') await set(project, name!, values['from-file'] as string | undefined);
  else if (action === 'list') await list(project, values.json === true);
  else if (action === 'rm') await remove(project, name!);
  else throw new UserError(`unknown action ${JSON.stringify(action ?? '')}: set, list or rm`, `usage: ${USAGE}`);
  return 0;
}
