// Before anything starts: is every host port we are about to publish free? A
// clash found here costs nothing; found by Docker halfway through, it would
// leave a half-started stack.
import net from 'node:net';
import { UserError } from '../errors.ts';

export interface PortWanted {
  port: number;
  bind: string;
  /** faaso.yml field that chose it, for the message. */
  field: string;
}

export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Throws one UserError listing every wanted port that another program holds. */
export async function checkPortsFree(
  file: string,
  wanted: readonly PortWanted[],
  ours: ReadonlySet<string>,
): Promise<void> {
  const busy: string[] = [];
  for (const w of wanted) {
    if (ours.has(`${w.bind}:${w.port}`)) continue; // published by this stack's own container
    if (!(await portFree(w.port, w.bind)))
      busy.push(`${file}: ${w.field}: port ${w.bind}:${w.port} is already in use by another program`);
  }
  if (busy.length > 0) {
    throw new UserError(
      busy.join('\n'),
      `free the port, or set another one in ${file} (e.g. functions.NAME.port or proxy.port)`,
    );
  }
}
