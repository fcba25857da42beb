// The {{name}} function.
//
// handle(req) gets req.method, req.path, req.query (first value per name),
// req.queryAll (arrays), req.headers (lower-case names), req.body (text),
// req.rawBody (Buffer) and req.json() (400 answer if the body is not JSON).
// Return an object/array/number/boolean (JSON), a string (text/plain), a Buffer,
// null (204), or a web Response for status and headers, e.g.
// Response.json({ error: 'nope' }, { status: 400 }). It may be async.
// Dependencies go in package.json (run `npm install --package-lock-only` to pin them).

export async function handle(req) {
  let name = req.query.name;
  if (name === undefined && req.method === 'POST') {
    const payload = req.json();
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      return Response.json({ error: 'expected a JSON object' }, { status: 400 });
    }
    name = payload.name;
  }
  return { message: `hello, ${name || 'world'}`, function: '{{name}}' };
}
