// npx zx scripts/invoke.mjs NAME [--method M] [--path P] [--data JSON|@FILE] [-H 'k: v']… [--direct] [-i]:
// call a function through the proxy (its first route) or on its own port; the
// status line and time go to stderr, the body to stdout (so it pipes into jq);
// exits 1 on an answer that is not 2xx.
import fs from 'node:fs/promises';
import { UserError, ValidationError } from '../errors.ts';
import { planInvoke } from '../invoke/plan.ts';
import { sendFailure, sendInvoke } from '../invoke/send.ts';
import { formatMs } from '../metrics/format.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { openProject } from '../project.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';

const USAGE = `npx zx scripts/invoke.mjs NAME [--method M] [--path P] [--data JSON|@FILE] [-H 'name: value']… [--direct] [-i]
  --method, -X  HTTP method (default GET, or POST with --data)
  --path, -p    path below the function's route, e.g. /?a=1&b=2 (default /)
  --data, -d    a JSON body, or @FILE to send a file as it is
  -H            a request header, repeatable
  --direct      call the function's own port instead of its route through the proxy
  -i            also print the answer's headers`;

const FIELDS = { function: 'NAME', method: '--method', path: '--path', headers: '-H', body: '--data' };

async function readData(
  raw: string | undefined,
): Promise<{ data: Uint8Array | string; mustBeJson: boolean } | undefined> {
  if (raw === undefined) return undefined;
  if (!raw.startsWith('@')) return { data: raw, mustBeJson: true };
  try {
    return { data: await fs.readFile(raw.slice(1)), mustBeJson: false };
  } catch (err) {
    throw new UserError(`--data: cannot read ${raw.slice(1)}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    {
      method: { type: 'string', short: 'X' },
      path: { type: 'string', short: 'p' },
      data: { type: 'string', short: 'd' },
      header: { type: 'string', short: 'H', multiple: true },
      direct: { type: 'boolean' },
      include: { type: 'boolean', short: 'i' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  if (positionals.length !== 1) throw new UserError('name one function', `usage: ${USAGE}`);
  const { settings } = await openProject();
  const config = await loadStackConfig(settings.root, { registry: settings.registry });
  const body = await readData(values.data as string | undefined);
  const { request, problems } = planInvoke(
    config,
    positionals[0]!,
    {
      method: values.method as string | undefined,
      path: values.path as string | undefined,
      headers: (values.header as string[] | undefined) ?? [],
      body,
      direct: values.direct === true,
    },
    FIELDS,
    'invoke',
  );
  if (!request) throw new ValidationError(problems.list, `usage: ${USAGE}`);
  let res;
  try {
    res = await sendInvoke(request);
  } catch (err) {
    throw new UserError(`${request.method} ${request.url}: ${sendFailure(err)}`);
  }
  process.stderr.write(`${res.status} ${res.statusText}  ${formatMs(res.ms)}  ${request.method} ${request.url}\n`);
  if (values.include) for (const [k, v] of res.headers) process.stderr.write(`${k}: ${v}\n`);
  log(res.body);
  return res.status >= 200 && res.status < 300 ? 0 : 1;
}
