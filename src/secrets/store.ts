// The secret store: one file per secret (mode 0600) in one folder (mode 0700),
// by default ROOT/.faaso/secrets (FAASO_SECRETS_DIR moves it). It lies outside
// every build context (function folders, templates/, images/) and keeps git out
// with a .gitignore of its own, whatever the project's says. Values are written
// atomically, so a reader sees the old value or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { tempPathFor, writeFileAtomic } from '../util/atomic-write.ts';
import { byCodeUnit } from '../util/fields.ts';
import { SECRET_NAME, secretNameProblem, secretStamp, secretValueProblem } from './rules.ts';

/** The store's random HMAC key (secretStamp); never leaves the store. */
const KEY_FILE = '.key';
const GITIGNORE = '.gitignore';
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export interface StoredSecret {
  name: string;
  /** When it was last set (the file's modification time). */
  setAt: Date;
}

/** The store folder, created 0700 with its .gitignore; its mode is put right if someone widened it. */
export async function openStore(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  await fs.chmod(dir, DIR_MODE);
  await fs
    .writeFile(path.join(dir, GITIGNORE), '# faaso secrets: never commit this folder\n*\n', { flag: 'wx' })
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  return dir;
}

function checkedName(name: string): string {
  const why = secretNameProblem(name);
  if (why) throw new UserError(why, 'e.g. db-password');
  return name;
}

/**
 * The store's HMAC key, created on first use. Linked into place from a complete
 * temp file, so two commands starting at once agree on one key.
 */
export async function storeKey(dir: string): Promise<Buffer> {
  const file = path.join(dir, KEY_FILE);
  const existing = await fs.readFile(file).catch(() => undefined);
  if (existing && existing.length >= 32) return existing;
  const tmp = tempPathFor(file);
  await fs.writeFile(tmp, randomBytes(32), { mode: FILE_MODE, flag: 'wx' });
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return fs.readFile(file);
}

export async function setSecret(dir: string, name: string, value: Buffer): Promise<void> {
  checkedName(name);
  const why = secretValueProblem(value);
  if (why) throw new UserError(`secret "${name}": ${why}`, 'nothing was stored');
  await openStore(dir);
  await writeFileAtomic(path.join(dir, name), value, { mode: FILE_MODE });
}

/** A secret's value, or undefined when it is not set. */
export async function readSecret(dir: string, name: string): Promise<Buffer | undefined> {
  if (!SECRET_NAME.test(name)) return undefined;
  return fs.readFile(path.join(dir, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

/** Every secret set, by name. */
export async function listSecrets(dir: string): Promise<StoredSecret[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const out: StoredSecret[] = [];
  for (const name of names.filter((n) => SECRET_NAME.test(n)).sort(byCodeUnit)) {
    const st = await fs.stat(path.join(dir, name)).catch(() => undefined);
    if (st?.isFile()) out.push({ name, setAt: st.mtime });
  }
  return out;
}

/** Removes a secret; false when it was not set. */
export async function removeSecret(dir: string, name: string): Promise<boolean> {
  checkedName(name);
  try {
    await fs.rm(path.join(dir, name));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export interface LoadedSecrets {
  values: Map<string, Buffer>;
  stamps: Map<string, string>;
  /** The store's key (bcrypt salts are derived from it); empty when no secret is used. */
  key: Buffer;
}

/** Values and stamps of the named secrets that are set (callers report the others, with where they are used). */
export async function loadSecrets(dir: string, names: readonly string[]): Promise<LoadedSecrets> {
  const values = new Map<string, Buffer>();
  for (const name of [...new Set(names)].sort(byCodeUnit)) {
    const value = await readSecret(dir, name);
    if (value !== undefined) values.set(name, value);
  }
  const stamps = new Map<string, string>();
  const key = values.size > 0 ? await storeKey(await openStore(dir)) : Buffer.alloc(0);
  for (const [name, value] of values) stamps.set(name, secretStamp(key, name, value));
  return { values, stamps, key };
}
