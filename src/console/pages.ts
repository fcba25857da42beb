// The console's pages and the parts htmx swaps in, from a Snapshot. Pure.
import { formatMs, formatRps, formatShare, metricCells } from '../metrics/format.ts';
import type { FunctionMetrics, SeriesPoint } from '../metrics/series.ts';
import type { MetricsSummary } from '../metrics/stats.ts';
import { formatRun, formatWhen } from '../schedule/format.ts';
import type { ScheduleView } from '../schedule/store.ts';
import type { DeployRecord } from '../stack/deploys.ts';
import type { FunctionRow } from '../stack/table.ts';
import { rowHealthy } from '../stack/table.ts';
import type { InvokeResult } from '../invoke/send.ts';
import { HTTP_METHODS } from '../rules/values.ts';
import type { ActionRun } from './actions.ts';
import { sparkline } from './chart.ts';
import { html, type Raw } from './html.ts';
import type { Snapshot } from './live.ts';

/** "127.0.0.1:5000/sum:5181f7b29039" → "sum:5181f7b29039": the tag is what tells versions apart. */
const shortImage = (image: string): string =>
  image
    .split(' ')
    .map((i) => i.slice(i.lastIndexOf('/') + 1))
    .join(' ');

function banners(s: Snapshot): Raw {
  return html`${s.configError ? html`<p class="banner bad">faaso.yml: ${s.configError}</p>` : ''}${
    s.dockerError ? html`<p class="banner bad">Docker: ${s.dockerError}</p>` : ''
  }`;
}

export function loginPage(stack: string, failed: boolean): Raw {
  return html`<section class="login">
    <h1>Log in</h1>
    <p>
      The token was printed when the console first started; it is the secret <code>console-token</code>, in
      <code>.faaso/secrets/console-token</code> unless <code>FAASO_SECRETS_DIR</code> says otherwise.
    </p>
    ${failed ? html`<p class="banner bad">That is not the console's token.</p>` : ''}
    <form method="post" action="/login">
      <label>Token <input type="password" name="token" autocomplete="current-password" autofocus required /></label
      ><button type="submit">Log in</button>
    </form>
    <p class="muted">stack ${stack}</p>
  </section>`;
}

function functionRow(r: FunctionRow, m: FunctionMetrics | undefined, points: SeriesPoint[]): Raw {
  const cells = metricCells(m);
  return html`<tr class="fn ${rowHealthy(r) ? 'ok' : 'bad'}" data-function="${r.function}">
    <td><a href="/fn/${r.function}">${r.function}</a></td>
    <td>${r.routes.join(' ')}</td>
    <td class="mono">${shortImage(r.image)}</td>
    <td class="health">${r.health}</td>
    <td>${r.restarts}</td>
    <td>${r.uptime}</td>
    <td class="num">${m ? m.requests : '-'}</td>
    <td class="num rps">${cells[0]}</td>
    <td class="num">${cells[1]}</td>
    <td class="num">${cells[2]}</td>
    <td class="num">${cells[3]}</td>
    <td>${sparkline(points, 10, r.function)}</td>
  </tr>`;
}

export function schedulesTable(views: readonly ScheduleView[], now: number): Raw {
  if (views.length === 0) return html``;
  return html`<h2>Schedules</h2>
    <table class="schedules">
      <thead>
        <tr>
          <th>Schedule</th>
          <th>Cron</th>
          <th>Request</th>
          <th>Last run</th>
          <th>At</th>
          <th>Next</th>
          <th>Runs</th>
          <th>Failed</th>
        </tr>
      </thead>
      <tbody>
        ${views.map(
          (v) =>
            html`<tr class="${v.last && !v.last.ok ? 'bad' : 'ok'}" data-schedule="${v.id}">
              <td>${v.id}</td>
              <td class="mono">${v.cron}</td>
              <td class="mono">${v.method} ${new URL(v.url).pathname}${new URL(v.url).search}</td>
              <td class="last-run">${formatRun(v.last)}</td>
              <td>${v.last ? formatWhen(v.last.startedAt, now) : '-'}</td>
              <td>${formatWhen(v.next, now)}</td>
              <td class="num">${v.runs}</td>
              <td class="num">${v.failures}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

/** The front page's live part: every function, the proxies, the schedules. */
export function functionsPartial(s: Snapshot, series: (fn: string) => SeriesPoint[]): Raw {
  const byFn = new Map(s.metrics.map((m) => [m.function, m]));
  const proxy = s.observed.find((c) => c.role === 'proxy');
  const ports = s.observed.find((c) => c.role === 'ports');
  const proxyState = (c: typeof proxy): string =>
    c ? `${c.status} (${c.health}), ${c.restarts} restart(s)` : 'not running';
  return html`${banners(s)}
    <table class="functions">
      <thead>
        <tr>
          <th>Function</th>
          <th>Routes</th>
          <th>Image</th>
          <th>Replicas</th>
          <th>Restarts</th>
          <th>Uptime</th>
          <th>Requests</th>
          <th>RPS</th>
          <th>5xx</th>
          <th>p50</th>
          <th>p99</th>
          <th>Last 10 min</th>
        </tr>
      </thead>
      <tbody>
        ${s.rows.map((r) => functionRow(r, byFn.get(r.function), series(r.function)))}
      </tbody>
    </table>
    <p class="muted">
      Metrics ${s.metricsNote}. RPS: the last minute. Proxy: ${proxyState(proxy)} · ports listener: ${proxyState(ports)}
      · ${new Date(s.at).toLocaleTimeString('en-GB')}
    </p>
    ${schedulesTable(s.schedules, s.at)}`;
}

export function frontPage(): Raw {
  return html`<h1>Functions</h1>
    <div id="functions" hx-get="/partials/functions" hx-trigger="load, every 2s"></div>`;
}

function routeRows(m: FunctionMetrics | undefined): Raw {
  if (!m) return html`<p class="muted">No metrics: the function is not running, or the access log is off.</p>`;
  const row = (route: string, x: MetricsSummary): Raw =>
    html`<tr>
      <td>${route}</td>
      <td class="num">${x.requests}</td>
      <td class="num">${x.clientErrors}</td>
      <td class="num">${x.serverErrors}</td>
      <td class="num">${formatShare(x.errorRate)}</td>
      <td class="num">${formatRps(x.rps)}</td>
      <td class="num">${formatMs(x.p50)}</td>
      <td class="num">${formatMs(x.p95)}</td>
      <td class="num">${formatMs(x.p99)}</td>
    </tr>`;
  return html`<table class="routes">
      <thead>
        <tr>
          <th>Route</th>
          <th>Requests</th>
          <th>4xx</th>
          <th>5xx</th>
          <th>5xx rate</th>
          <th>RPS</th>
          <th>p50</th>
          <th>p95</th>
          <th>p99</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(m.routes).map(([route, x]) => row(route, x))}${row('all routes', m)}
      </tbody>
    </table>
    <p class="muted">Counted since ${new Date(m.since).toLocaleString('en-GB')} (its containers' creation).</p>`;
}

/** The function page's live part: replicas, metrics per route, the chart. */
export function functionPartial(s: Snapshot, fn: string, points: SeriesPoint[]): Raw {
  const r = s.rows.find((x) => x.function === fn);
  if (!r)
    return html`${banners(s)}
      <p class="banner bad">${fn} is not routed in faaso.yml.</p>`;
  const m = s.metrics.find((x) => x.function === fn);
  return html`${banners(s)}
    <p>
      <span class="health ${rowHealthy(r) ? 'ok' : 'bad'}">${r.health}</span> · ${r.restarts} restart(s) · up
      ${r.uptime} · <span class="mono">${r.image}</span> · <a href="${r.url.split(' ')[0]}">${r.url.split(' ')[0]}</a> ·
      own port ${r.direct}
    </p>
    <table class="replicas">
      <thead>
        <tr>
          <th>Replica</th>
          <th>State</th>
          <th>Health</th>
          <th>Restarts</th>
          <th>Uptime</th>
          <th>Address</th>
        </tr>
      </thead>
      <tbody>
        ${r.replicas.map(
          (x) =>
            html`<tr>
              <td>${x.name}</td>
              <td>${x.state}</td>
              <td>${x.health}</td>
              <td>${x.restarts}</td>
              <td>${x.uptime}</td>
              <td class="mono">${x.ip}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Requests</h2>
    ${sparkline(points, 10, fn)}${routeRows(m)}
    ${schedulesTable(
      s.schedules.filter((v) => v.function === fn),
      s.at,
    )}`;
}

export function logViewer(service: string, lines: readonly string[]): Raw {
  return html`<div class="log-view" data-log-stream="/logs/stream?service=${encodeURIComponent(service)}">
    <p>
      <button type="button" class="follow">Follow</button>
      <span class="muted"
        >${service === 'all' ? 'every container, each line prefixed by its replica' : service}; last ${lines.length}
        line(s)</span
      >
    </p>
    <pre class="log">${lines.join('\n')}</pre>
  </div>`;
}

export function logsPage(services: readonly string[], service: string, lines: readonly string[]): Raw {
  return html`<h1>Logs</h1>
    <p class="pick">
      ${['all', ...services].map(
        (s) =>
          html`<a class="${s === service ? 'current' : ''}" href="/logs?service=${encodeURIComponent(s)}">${s}</a> `,
      )}
    </p>
    ${logViewer(service, lines)}`;
}

export function functionPage(
  fn: string,
  description: string,
  functionYml: string,
  deploys: readonly DeployRecord[],
  logLines: readonly string[],
): Raw {
  const methods = HTTP_METHODS.map((m) => html`<option>${m}</option>`);
  return html`<h1>${fn}</h1>
    ${description ? html`<p>${description}</p>` : ''}
    <div id="live" hx-get="/partials/fn/${fn}" hx-trigger="load, every 2s"></div>
    <section class="actions">
      <h2>Actions</h2>
      <button
        type="button"
        hx-post="/fn/${fn}/restart"
        hx-confirm="Restart every replica of ${fn}, one at a time?"
        hx-target="#action"
      >
        Restart
      </button>
      <button
        type="button"
        hx-post="/fn/${fn}/deploy"
        hx-confirm="Run up for ${fn}: build it if its sources changed, then apply faaso.yml?"
        hx-target="#action"
      >
        Deploy (up ${fn})
      </button>
      <div id="action"></div>
    </section>
    <section class="invoke">
      <h2>Invoke</h2>
      <form hx-post="/fn/${fn}/invoke" hx-target="#invoke-result">
        <label
          >Method
          <select name="method">
            ${methods}
          </select></label
        >
        <label>Path <input name="path" value="/" size="40" /></label>
        <label>Headers <textarea name="headers" rows="2" placeholder="name: value, one per line"></textarea></label>
        <label>Body <textarea name="body" rows="4" placeholder='{"numbers": [1, 2, 3.5]}'></textarea></label>
        <button type="submit">Send</button>
      </form>
      <div id="invoke-result"></div>
    </section>
    <section>
      <h2>Logs</h2>
      ${logViewer(fn, logLines)}
    </section>
    <section>
      <h2>function.yml</h2>
      <pre class="yml">${functionYml}</pre>
    </section>
    <section>
      <h2>Recent deploys</h2>
      ${
        deploys.length === 0
          ? html`<p class="muted">None recorded yet (up and scale record what they change).</p>`
          : html`<table class="deploys">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Change</th>
                  <th>Image</th>
                  <th>Replicas</th>
                </tr>
              </thead>
              <tbody>
                ${deploys.map(
                  (d) =>
                    html`<tr>
                      <td>${new Date(d.at).toLocaleString('en-GB')}</td>
                      <td>${d.change}</td>
                      <td class="mono">${d.image}</td>
                      <td>${d.replicas}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
}

export function invokeResult(method: string, url: string, r: InvokeResult | { error: string }): Raw {
  if ('error' in r) return html`<div class="result bad"><p class="status">${method} ${url}: ${r.error}</p></div>`;
  const cls = r.status < 300 ? 'ok' : r.status < 500 ? 'warn' : 'bad';
  return html`<div class="result ${cls}">
    <p class="status"><strong>${r.status} ${r.statusText}</strong> · ${formatMs(r.ms)} · ${method} ${url}</p>
    <pre class="headers">${r.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
    <pre class="body">${r.body}</pre>
  </div>`;
}

export function problemsResult(lines: readonly string[]): Raw {
  return html`<div class="result bad">
    <ul>
      ${lines.map((l) => html`<li>${l}</li>`)}
    </ul>
  </div>`;
}

export function actionPartial(a: ActionRun): Raw {
  const state = a.ok === null ? 'running…' : a.ok ? 'done' : 'failed';
  const poll = a.ok === null ? html` hx-get="/actions/${a.id}" hx-trigger="every 1s" hx-swap="outerHTML"` : html``;
  return html`<div class="action ${a.ok === false ? 'bad' : a.ok ? 'ok' : ''}" ${poll}>
    <p><strong>${a.title}</strong>: ${state}</p>
    <pre>${a.lines.join('\n')}</pre>
  </div>`;
}
