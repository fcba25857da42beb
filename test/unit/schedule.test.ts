import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import { cronProblem, latestAtOrBefore, nextAfter } from '../../src/schedule/cron.ts';
import { dueRuns, emptyScheduleState, recordRun, type ScheduleState } from '../../src/schedule/due.ts';
import { parseScheduleFile, renderScheduleFile, scheduledJobs, type ScheduledJob } from '../../src/schedule/jobs.ts';
import { scheduleViews } from '../../src/schedule/store.ts';
import { scheduleCells } from '../../src/schedule/format.ts';

const ctx = { file: 'faaso.yml', functions: ['hello', 'sum'], registry: '127.0.0.1:5000', hostCpus: 2 };
const stack = (schedule: unknown) => ({
  routes: { '/sum': 'sum', '/hello': 'hello' },
  proxy: { port: 8080 },
  functions: { sum: { schedule } },
});
const problems = (schedule: unknown): string[] => validateStackConfig(stack(schedule), ctx).problems.map(formatProblem);

test('schedule: bad cron expressions are named precisely, every problem at once', () => {
  assert.equal(
    problems([
      { cron: '61 * * * *' },
      { cron: '* * *' },
      { cron: '0 0 31 2 *', path: 'x', when: 1 },
      { method: 'POST' },
      { cron: 5 },
      'daily',
    ]),
    [
      'faaso.yml: functions.sum.schedule[0].cron: invalid cron expression "61 * * * *": Invalid value for minute: 61 (fields: [second] minute hour day-of-month month day-of-week, e.g. "*/5 * * * *")',
      'faaso.yml: functions.sum.schedule[1].cron: cron expression "* * *" has 3 field(s): write 5 (minute hour day-of-month month day-of-week, e.g. "*/5 * * * *") or 6, seconds first',
      'faaso.yml: functions.sum.schedule[2].when: unknown field "when" (known fields of functions.sum.schedule[2]: body, cron, headers, json, method, path)',
      'faaso.yml: functions.sum.schedule[2].cron: cron expression "0 0 31 2 *" never fires (e.g. February 31st)',
      'faaso.yml: functions.sum.schedule[2].path: must start with "/" (got "x")',
      'faaso.yml: functions.sum.schedule[3].cron: required: when to fire, e.g. "*/5 * * * *" (every 5 minutes)',
      'faaso.yml: functions.sum.schedule[4].cron: must be a string such as "*/5 * * * *" (got an integer)',
      'faaso.yml: functions.sum.schedule[5]: must be a mapping with cron and the request, e.g. [{cron: "*/5 * * * *", method: POST, path: /, json: {}}]',
    ],
  );
  assert.match(problems('*/5 * * * *')[0]!, /functions\.sum\.schedule: must be a list/);
  assert.match(problems(Array(21).fill({ cron: '@hourly' }))[0]!, /at most 20 entries/);
  assert.is(cronProblem('*/10 * * * * *'), undefined, 'six fields: seconds first');
  assert.is(cronProblem('@hourly'), undefined);
});

test('a valid schedule becomes jobs through the proxy at the function’s first route, stable across renders', () => {
  const r = validateStackConfig(
    stack([
      { cron: '*/5 * * * *', method: 'post', json: { numbers: [1, 2] } },
      { cron: '0 3 * * *', path: '/?a=1' },
    ]),
    ctx,
  );
  assert.equal(r.problems, []);
  const jobs = scheduledJobs(r.config!);
  assert.equal(
    jobs.map((j) => [j.id, j.cron, j.request]),
    [
      [
        'sum#1',
        '*/5 * * * *',
        {
          method: 'POST',
          url: 'http://127.0.0.1:8080/sum',
          headers: { 'content-type': 'application/json', 'user-agent': 'faaso-schedule' },
          body: '{"numbers":[1,2]}',
        },
      ],
      [
        'sum#2',
        '0 3 * * *',
        { method: 'GET', url: 'http://127.0.0.1:8080/sum?a=1', headers: { 'user-agent': 'faaso-schedule' } },
      ],
    ],
  );
  assert.equal(parseScheduleFile(renderScheduleFile(jobs)), jobs);
  assert.is(scheduledJobs(r.config!)[0]!.key, jobs[0]!.key);
  assert.equal(scheduledJobs(validateStackConfig(stack(null), ctx).config!), []);
  assert.throws(() => parseScheduleFile('{"jobs": [{}]}'), /without id/);
});

const clock = { nextAfter, latestAtOrBefore };
const job = (cron: string, key = 'k1'): ScheduledJob => ({
  id: 'sum#1',
  function: 'sum',
  cron,
  key,
  request: { method: 'GET', url: 'http://127.0.0.1:8080/sum', headers: {} },
});
const T = Date.UTC(2026, 0, 1, 12, 0, 0); // 12:00:00
const none = new Set<string>();

test('a new job starts from now; it fires at its next time, once', () => {
  const j = job('*/5 * * * * *');
  let s: ScheduleState = emptyScheduleState();
  let d = dueRuns([j], s, T + 1000, none, clock);
  assert.equal(d.fire, [], 'nothing from before it existed');
  assert.ok(d.changed);
  s = d.state;
  assert.equal(dueRuns([j], s, T + 4999, none, clock).fire, []);
  d = dueRuns([j], s, T + 5100, none, clock);
  assert.equal(
    d.fire.map((f) => [f.scheduledFor, f.late]),
    [[T + 5000, false]],
  );
  s = d.state;
  assert.equal(dueRuns([j], s, T + 5200, none, clock).fire, [], 'claimed: not fired again');
});

test('runs missed while the scheduler was down: fired once, as the latest, marked late — and never again after a restart', () => {
  const j = job('*/5 * * * * *');
  const s: ScheduleState = { jobs: { 'sum#1': { key: 'k1', claimed: T, runs: 1, failures: 0, skipped: 0 } } };
  // Down from 12:00:00 to 12:00:31: 6 occurrences missed.
  const d = dueRuns([j], s, T + 31_000, none, clock);
  assert.equal(
    d.fire.map((f) => [f.scheduledFor, f.late]),
    [[T + 30_000, true]],
  );
  // The claim is what the shell writes before firing: a restart reads it back.
  const restarted = JSON.parse(JSON.stringify(d.state)) as ScheduleState;
  assert.equal(dueRuns([j], restarted, T + 31_500, none, clock).fire, []);
  assert.equal(
    dueRuns([j], restarted, T + 35_000, none, clock).fire.map((f) => f.scheduledFor),
    [T + 35_000],
  );
});

test('an occurrence while the previous run is in flight is skipped and counted; an edited job starts afresh', () => {
  const j = job('* * * * * *');
  const s: ScheduleState = { jobs: { 'sum#1': { key: 'k1', claimed: T, runs: 0, failures: 0, skipped: 0 } } };
  const d = dueRuns([j], s, T + 1000, new Set(['sum#1']), clock);
  assert.equal(d.fire, []);
  assert.is(d.state.jobs['sum#1']!.skipped, 1);
  const edited = dueRuns([job('* * * * * *', 'k2')], s, T + 5000, none, clock);
  assert.equal(edited.fire, []);
  assert.is(edited.state.jobs['sum#1']!.claimed, T + 5000);
  const removed = dueRuns([], s, T + 5000, none, clock);
  assert.equal(removed.state, { jobs: {} });
  assert.ok(removed.changed);
});

test('a finished run is recorded with its status and duration; status shows it and the next time', () => {
  const j = job('*/5 * * * * *');
  let s: ScheduleState = { jobs: { 'sum#1': { key: 'k1', claimed: T + 5000, runs: 0, failures: 0, skipped: 0 } } };
  s = recordRun(s, 'sum#1', {
    scheduledFor: T + 5000,
    startedAt: T + 5100,
    ms: 12.5,
    status: 500,
    ok: false,
    late: true,
  });
  assert.is(s.jobs['sum#1']!.failures, 1);
  const [view] = scheduleViews([j], s, T + 6000);
  assert.is(view!.next, T + 10_000);
  const cells = scheduleCells(view!, T + 6000);
  assert.equal(cells.slice(0, 4), ['sum#1', '*/5 * * * * *', 'GET /sum', '500 in 13ms (caught up)']);
  assert.is(cells[6], '1 (1 failed)');
});

test.run();
