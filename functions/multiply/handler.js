// Multiplies decimal numbers exactly: POST {"factors": ["0.1", "0.2", 3]} or
// GET /?a=6&b=7 (every query value is a factor). big.js multiplies decimals
// without binary floating-point error, so 0.1 × 0.2 × 3 is exactly "0.06".
// Pass factors as strings to keep every digit (JSON numbers are doubles).
import Big from 'big.js';

const MAX_FACTORS = 100;
const MAX_EXPONENT = 1000; // keeps the printed product to a sane length

function bad(message) {
  return Response.json({ error: message }, { status: 400 });
}

/** A Big for a JSON number or decimal string, or an error message. */
function toBig(value, where) {
  const ok = (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '' && value.length <= 1000);
  if (ok) {
    try {
      const n = new Big(typeof value === 'string' ? value.trim() : value);
      if (Math.abs(n.e) <= MAX_EXPONENT) return n;
      return `${where} is out of range: ${JSON.stringify(value)}`;
    } catch {
      // not a decimal number: reported below
    }
  }
  return `${where} is not a decimal number: ${JSON.stringify(value)}`;
}

function factorsOf(req) {
  if (req.method === 'GET') {
    const names = Object.keys(req.queryAll).sort();
    if (names.length === 0) return 'give factors as query parameters, e.g. /?a=6&b=7';
    return names.flatMap((name) => req.queryAll[name].map((v) => [v, `query parameter ${name}`]));
  }
  const payload = req.json();
  const factors = payload !== null && typeof payload === 'object' ? payload.factors : undefined;
  if (!Array.isArray(factors)) return 'expected a JSON object like {"factors": ["0.1", "0.2", 3]}';
  return factors.map((v, i) => [v, `factors[${i}]`]);
}

export function handle(req) {
  if (req.method !== 'GET' && req.method !== 'POST') {
    return Response.json({ error: `method ${req.method} not allowed, use GET or POST` }, { status: 405, headers: { allow: 'GET, POST' } });
  }
  const factors = factorsOf(req);
  if (typeof factors === 'string') return bad(factors);
  if (factors.length > MAX_FACTORS) return bad(`at most ${MAX_FACTORS} factors`);
  let product = new Big(1);
  for (const [value, where] of factors) {
    const n = toBig(value, where);
    if (typeof n === 'string') return bad(n);
    product = product.times(n);
  }
  // toFixed() without decimals prints every digit, never exponent notation; "-0" -> "0".
  return { product: product.eq(0) ? '0' : product.toFixed() };
}
