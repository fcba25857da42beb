// A node:http server on an ephemeral 127.0.0.1 port for one test file's suite:
// listening before its first test, closed (connections and all) after its last.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'uvu';

/** The server's base URL (http://127.0.0.1:PORT), valid once the suite has started. */
export function localServer(test: Test, handler: http.RequestListener): { base: () => string } {
  const server = http.createServer(handler);
  let base = '';
  test.before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { base: () => base };
}
