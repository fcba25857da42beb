// Reads the small text files a user writes (function.yml, faaso.yml,
// template.yml, .faasoignore) with a size cap, so a huge or endless file is one
// clear message instead of gigabytes of memory or a read that never returns.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import type { Problem } from '../errors.ts';
import { formatBytes } from './text.ts';

/** The largest config file faaso reads: far more than any real one, far less than memory. */
export const TEXT_FILE_MAX = 1_000_000;

/**
 * The text of `abs`, or a problem naming `shown` when it is larger than `max`
 * or not a regular file. O_NONBLOCK: opening a FIFO must not wait for a writer.
 * Other errors (ENOENT, EISDIR...) are thrown for the caller to word.
 */
export async function readTextCapped(
  abs: string,
  shown: string,
  max = TEXT_FILE_MAX,
): Promise<{ text: string } | { problem: Problem }> {
  const handle = await fs.open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${abs} is a folder`), { code: 'EISDIR' });
    if (!st.isFile()) return { problem: { file: shown, field: '', message: 'is not a regular file' } };
    const tooBig = (size: string): { problem: Problem } => ({
      problem: {
        file: shown,
        field: '',
        message: `file is ${size}; faaso reads at most ${max} bytes (${formatBytes(max)}) from it: is this the right file?`,
      },
    });
    if (st.size > max) return tooBig(`${st.size} bytes (${formatBytes(st.size)})`);
    // The file may grow between the stat and the read: never read more than max + 1 bytes.
    const buf = Buffer.alloc(max + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > max) return tooBig(`more than ${max} bytes`);
    }
    return { text: buf.subarray(0, got).toString('utf8') };
  } finally {
    await handle.close();
  }
}
