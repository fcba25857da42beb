// Where `secret set` reads a value: a file (--from-file, its bytes exactly), or
// stdin — piped (one trailing line break dropped: `echo s3cret | …` stores
// "s3cret"), or typed at a terminal without echo. Never from argv: the process
// list and the shell's history would show it.
import fs from 'node:fs/promises';
import { UserError } from '../errors.ts';

/** Reads one line from a terminal without showing it. */
function readHidden(prompt: string): Promise<Buffer> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  const chars: string[] = [];
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(Buffer.from(chars.join(''), 'utf8'));
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UserError('cancelled: nothing was stored'));
        if (ch === '\u007f' || ch === '\b') chars.pop();
        else chars.push(ch);
      }
    };
    stdin.on('data', onData);
  });
}

async function readAll(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readSecretValue(name: string, fromFile: string | undefined): Promise<Buffer> {
  if (fromFile !== undefined) {
    return fs.readFile(fromFile).catch((err: NodeJS.ErrnoException) => {
      throw new UserError(`--from-file: cannot read ${fromFile}: ${err.code ?? err.message}`, 'nothing was stored');
    });
  }
  if (process.stdin.isTTY) return readHidden(`value of ${name} (not shown; Enter ends it): `);
  const data = await readAll();
  const end = data.at(-1) === 0x0a ? (data.at(-2) === 0x0d ? 2 : 1) : 0;
  return data.subarray(0, data.length - end);
}
