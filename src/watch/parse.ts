// The watcher's input from the generated compose file, parsed (pure): the
// services it keeps alive.
import { readComposeServices } from '../stack/compose-file.ts';
import type { ExpectedService } from './state.ts';

/**
 * Every service of the compose file labelled faaso.role=function, and the
 * proxy (faaso.role=proxy): without it no route answers. Standbys (a redeploy
 * in progress) and foreign services are not the watcher's business.
 */
export function expectedServices(composeText: string, file: string): ExpectedService[] {
  return readComposeServices(composeText, file)
    .filter((s) => s.role === 'function' || s.role === 'proxy' || s.role === 'ports')
    .map((s) => ({
      service: s.service,
      fn: s.fn,
      role: s.role as ExpectedService['role'],
      replicas: s.role === 'function' ? s.replicas : 1,
    }));
}
