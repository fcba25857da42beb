// Host ports for functions. An explicit `port:` in faaso.yml wins; otherwise a
// port is derived from the function's name so it stays the same across runs and
// machines (bookmarks, curl commands and firewall rules keep working), and
// adding an unrelated function moves nothing unless the two happen to collide.

/** Ports below 1024 need root/CAP_NET_BIND_SERVICE on the host side. */
export const PORT_MIN = 1024;
export const PORT_MAX = 65535;

/**
 * The ports listener listens on each function's port inside its container, where
 * Caddy's admin API holds this one (localhost:2019): no function may use it.
 */
export const CADDY_ADMIN_PORT = 2019;

/** Default function ports are picked from [DEFAULT_PORT_BASE, DEFAULT_PORT_BASE + DEFAULT_PORT_SPAN). */
export const DEFAULT_PORT_BASE = 8100;
export const DEFAULT_PORT_SPAN = 800;

/** 32-bit FNV-1a over the UTF-8 bytes: tiny, stable, and well spread for short names. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Where a name's default port starts (before probing past taken ports). */
export function preferredPort(name: string): number {
  return DEFAULT_PORT_BASE + (fnv1a(name) % DEFAULT_PORT_SPAN);
}

/**
 * Default ports for `names` (any order: they are handled sorted, so the result
 * does not depend on the order of faaso.yml). Each name gets its preferred
 * port, or the next free one above it, wrapping within the range. `taken`
 * holds ports already used (explicit function ports, the proxy, reserved
 * ports). Names for which the whole range is taken are left out.
 */
export function assignDefaultPorts(names: readonly string[], taken: ReadonlySet<number>): Map<string, number> {
  const used = new Set(taken);
  const out = new Map<string, number>();
  for (const name of [...new Set(names)].sort()) {
    const start = preferredPort(name) - DEFAULT_PORT_BASE;
    for (let i = 0; i < DEFAULT_PORT_SPAN; i++) {
      const port = DEFAULT_PORT_BASE + ((start + i) % DEFAULT_PORT_SPAN);
      if (used.has(port)) continue;
      used.add(port);
      out.set(name, port);
      break;
    }
  }
  return out;
}
