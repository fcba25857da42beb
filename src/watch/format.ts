// How the watcher reports: one timestamped line per event, or one JSON object
// per line (--json) for log shippers. Pure.
import { labelOf } from './replicas.ts';
import type { WatchEventKind } from './state.ts';

export type OutputKind =
  | WatchEventKind
  | 'watching'
  | 'stopped'
  | 'action'
  | 'action-failed'
  | 'docker-unreachable'
  | 'docker-back'
  | 'no-stack'
  | 'stack-file-back'
  | 'summary'
  | 'schedule'
  | 'schedule-failed'
  | 'error';

export interface OutputEvent {
  /** ms since epoch. */
  at: number;
  /** null: about the whole stack. */
  service: string | null;
  /** Which replica, when the service wants several (the label shows it: sum-2). */
  replica?: number;
  kind: OutputKind;
  message: string;
  /** Actions: how long the docker command took. */
  seconds?: number;
  ok?: boolean;
}

/** 2026-11-25T20:40:01Z: second precision, UTC, sortable. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function formatEvent(e: OutputEvent, project: string, json: boolean): string {
  const label = e.service === null ? null : labelOf({ service: e.service, replica: e.replica });
  if (json) {
    return JSON.stringify({
      time: isoSeconds(e.at),
      project,
      service: label,
      ...(e.replica !== undefined ? { replica: e.replica } : {}),
      event: e.kind,
      message: e.message,
      ...(e.seconds !== undefined ? { seconds: Number(e.seconds.toFixed(2)) } : {}),
      ...(e.ok !== undefined ? { ok: e.ok } : {}),
    });
  }
  return `${isoSeconds(e.at)} ${label ?? `stack ${project}`}: ${e.message}`;
}
