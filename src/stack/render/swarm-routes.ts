// On Swarm the routes reach the proxies without restarting them. The proxies
// (one per node, each holding its node's published port) start from a fixed
// bootstrap config that tells Caddy to load its real config over HTTP from the
// `proxy-routes` service, and again every second; Caddy applies a loaded config
// only when it differs, through its own reload (as `up` reloads it on compose).
// `proxy-routes` (one task) serves routes.json, the JSON Caddy makes of the
// routes Caddyfile. It sits on a network of its own with the proxies, so no
// function can read or impersonate it.
// Pure: the adapted JSON comes in as text (files.ts has Caddy adapt it).
import { CADDY_ADMIN_PORT } from '../config/ports.ts';
import { ROUTES_SERVICE } from '../config/rules.ts';

export const ROUTES_JSON = 'routes.json';
export const BOOTSTRAP_JSON = 'bootstrap.json';
/** Where proxy-routes listens, on the control network only. */
export const ROUTES_PORT = 8081;
/** The overlay network of the proxies and proxy-routes (the functions are not on it). */
export const CONTROL_NETWORK = 'control';
/** Where proxy-routes serves its file from (the config is mounted there). */
export const ROUTES_ROOT = '/srv';

/** How often each proxy asks for its routes: a route change is live on every node within about this long. */
const LOAD_DELAY = '1s';

const loader = (): Record<string, unknown> => ({
  load: { module: 'http', url: `http://${ROUTES_SERVICE}:${ROUTES_PORT}/${ROUTES_JSON}`, timeout: '2s' },
  load_delay: LOAD_DELAY,
});

const json = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

/**
 * routes.json: Caddy's adaptation of the routes Caddyfile, told to keep loading
 * (a loaded config must say so itself, or polling stops). Its own log drops to
 * WARN: the loader logs every poll at INFO. Access logs are their own log and stay.
 */
export function routesJson(adapted: string): string {
  const doc = JSON.parse(adapted) as Record<string, any>;
  doc.admin = { ...(doc.admin ?? {}), config: loader() };
  doc.logging ??= {};
  doc.logging.logs ??= {};
  doc.logging.logs.default = { ...(doc.logging.logs.default ?? {}), level: 'WARN' };
  return json(doc);
}

/** bootstrap.json: no server until the first routes load, only the admin API on loopback and the loader. */
export function bootstrapJson(): string {
  return json({
    admin: { listen: `localhost:${CADDY_ADMIN_PORT}`, config: loader() },
    logging: { logs: { default: { level: 'WARN' } } },
  });
}
