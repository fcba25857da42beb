// faaso helpers for node handlers:
//   const { secret } = require('./faaso.cjs');   // CommonJS
//   import { secret } from './faaso.cjs';          // ES modules
// secret('db-password') returns the secret the function declares in
// function.yml (`secrets: [db-password]`), as text, read from the file faaso
// mounts read-only at /run/secrets/db-password (the test value while the
// function's tests run). Throws naming the secret when it is not mounted.
const fs = require('node:fs');

const SECRETS_DIR = '/run/secrets';
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function secret(name) {
  if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`invalid secret name ${JSON.stringify(name)}`);
  try {
    return fs.readFileSync(`${SECRETS_DIR}/${name}`, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT')
      throw new Error(`secret ${JSON.stringify(name)} is not mounted: list it under secrets: in function.yml`);
    throw err;
  }
}

module.exports = { secret };
