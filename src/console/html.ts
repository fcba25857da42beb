// HTML out of the console: every value goes through esc(), every page through
// layout(). Server-rendered, so the browser gets markup and htmx swaps parts
// of it; no client-side templating, no inline script or style (the CSP forbids both).

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value, escaped. */
export const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A tagged template that escapes every interpolated value except Raw ones (already HTML). */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (x instanceof Raw ? x.html : esc(x))).join('')
      : v instanceof Raw
        ? v.html
        : v === undefined || v === null || v === false
          ? ''
          : esc(v);
    out += part + strings[i + 1]!;
  });
  return new Raw(out);
}

/** A whole page: head with the vendored assets, a header naming the stack, the body. */
export function layout(title: string, stack: string, body: Raw, loggedIn = true): string {
  const nav = loggedIn
    ? html`<nav><a href="/">Functions</a><a href="/logs">Logs</a><a href="/metrics">Metrics</a></nav>`
    : '';
  return `<!doctype html>\n${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}' />
      <title>${title} · faaso</title>
      <link rel="stylesheet" href="/assets/console.css" />
      <script src="/assets/htmx.min.js" defer></script>
      <script src="/assets/console.js" defer></script>
    </head>
    <body>
      <header><a class="brand" href="/">faaso</a><span class="stack">stack ${stack}</span>${nav}</header>
      <main>${body}</main>
    </body>
  </html>`}\n`;
}
