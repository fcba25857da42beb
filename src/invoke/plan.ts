// What `invoke` (and the console's invoke form) sends: a function's URL through
// the proxy (its first route) or on its own port, and a request checked field by
// field before anything is sent. Pure; send.ts sends it.
import { byCodeUnit, CONTROL_CHARS, Problems } from '../util/fields.ts';
import { FORBIDDEN_REQUEST_HEADERS, HEADER_NAME, HTTP_METHODS, REQUEST_PATH } from '../rules/values.ts';
import { unknownFunctionMessage } from '../stack/config/fields.ts';
import type { StackConfig } from '../stack/types.ts';

export interface InvokeRequest {
  method: string;
  url: string;
  /** Lower-case names, sorted. */
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

export interface InvokeInput {
  method?: string;
  /** Path below the function's route: "/", "/items?id=1". */
  path?: string;
  /** "name: value" lines. */
  headers?: readonly string[];
  /** The body as given; `json` says whether it must be JSON (inline --data, the console's JSON box). */
  body?: { data: Uint8Array | string; mustBeJson: boolean };
  direct?: boolean;
}

/** The host a client on this machine reaches the stack's published ports on. */
export const localHost = (bind: string): string => (bind === '0.0.0.0' ? '127.0.0.1' : bind);

/** "/sum" + "/?a=1" → "/sum?a=1"; "/sum" + "/x" → "/sum/x"; the function sees the part after its route either way. */
export function routeUrl(base: string, route: string, path: string): string {
  const prefix = route === '/' ? '' : route;
  if (path === '/') return `${base}${prefix || '/'}`;
  return `${base}${prefix}${path.startsWith('/?') && prefix ? path.slice(1) : path}`;
}

/** The base URL of a function: through the proxy at its first route, or its own port (--direct). */
export function functionUrl(config: StackConfig, fn: string, path: string, direct: boolean): string | undefined {
  const host = localHost(config.bind);
  if (direct) {
    const f = config.functions.find((x) => x.name === fn);
    return f ? `http://${host}:${f.port}${path}` : undefined;
  }
  const route = config.routes
    .filter((r) => r.function === fn)
    .map((r) => r.path)
    .sort(byCodeUnit)[0];
  return route === undefined ? undefined : routeUrl(`http://${host}:${config.proxy.port}`, route, path);
}

const isJson = (data: Uint8Array | string): boolean => {
  try {
    JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    return true;
  } catch {
    return false;
  }
};

/** The request, or every problem with the input (named by `fields`: the CLI's flags or the console's form fields). */
export function planInvoke(
  config: StackConfig,
  fn: string,
  input: InvokeInput,
  fields: Record<'function' | 'method' | 'path' | 'headers' | 'body', string>,
  source: string,
): { request?: InvokeRequest; problems: Problems } {
  const p = new Problems(source);
  const method = (input.method ?? (input.body ? 'POST' : 'GET')).toUpperCase();
  if (!HTTP_METHODS.includes(method))
    p.add(fields.method, `must be one of ${HTTP_METHODS.join(', ')} (got ${JSON.stringify(input.method)})`);
  const path = input.path === undefined || input.path === '' ? '/' : input.path;
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('#') || !REQUEST_PATH.test(path))
    p.add(
      fields.path,
      `must start with "/" and have no spaces, "#", control or non-ASCII characters (percent-encode them); got ${JSON.stringify(path)}`,
    );
  const headers: Record<string, string> = {};
  for (const line of input.headers ?? []) {
    const at = line.indexOf(':');
    const name = (at < 0 ? line : line.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? '' : line.slice(at + 1).trim();
    if (at < 0 || !HEADER_NAME.test(name)) p.add(fields.headers, `expected "name: value", got ${JSON.stringify(line)}`);
    else if (FORBIDDEN_REQUEST_HEADERS.includes(name))
      p.add(fields.headers, `${name} is computed from the body; remove it`);
    else if (CONTROL_CHARS.test(value.replace(/\t/g, '')))
      p.add(fields.headers, `${name}: the value must not contain line breaks or control characters`);
    else headers[name] = value;
  }
  const body = input.body;
  if (body && body.mustBeJson && !isJson(body.data))
    p.add(fields.body, 'is not valid JSON (to send a file as it is: --data @FILE)');
  if (body && headers['content-type'] === undefined)
    headers['content-type'] = isJson(body.data) ? 'application/json' : 'application/octet-stream';
  if (body && (method === 'GET' || method === 'HEAD'))
    p.add(fields.body, `a ${method} request has no body: pick another method (e.g. POST)`);
  const known = [...new Set(config.functions.map((f) => f.name))].sort(byCodeUnit);
  const url = functionUrl(config, fn, path, input.direct === true);
  if (!known.includes(fn))
    p.add(fields.function, `${unknownFunctionMessage(fn, known)}: name a function ${config.file} routes`);
  if (p.list.length > 0 || url === undefined) return { problems: p };
  const sorted = Object.fromEntries(Object.entries(headers).sort(([a], [b]) => byCodeUnit(a, b)));
  return { request: { method, url, headers: sorted, ...(body ? { body: body.data } : {}) }, problems: p };
}
