// The watcher's input from the generated compose file, parsed (pure): the
// services it keeps alive, and how many replicas each wants.
import { readComposeServices } from '../stack/compose-file.ts';
import type { ExpectedService } from './state.ts';

/**
 * Every service of the compose file labelled faaso.role=function (with its
 * `scale`), and the two proxies: `proxy` (without it no route answers) and
 * `ports` (without it no function's own port answers). Foreign services are
 * not the watcher's business.
 */
export function expectedServices(composeText: string, file: string): ExpectedService[] {
  return readComposeServices(composeText, file).flatMap((s): ExpectedService[] =>
    s.role === 'function'
      ? [{ service: s.service, fn: s.fn, role: 'function', replicas: s.replicas }]
      : s.role === 'proxy' || s.role === 'ports'
        ? [{ service: s.service, fn: '', role: s.role, replicas: 1 }]
        : [],
  );
}
