// The deploy folder of a stack, STORE/.deploy/PROJECT (0700): the copies of
// secrets that containers mount. The store's own files stay 0600 root's; a
// function (uid 10001) reads its copy, owned by 10001 with mode 0400, through
// a file bind mount (compose) or a Swarm secret made from it. The folder's
// 0700 keeps everyone else on the host out: a bind mount needs no path to it.
//   NAME-STAMP          a function's secret, mounted at /run/secrets/NAME
//   proxy/key-NAME-STAMP, proxy/basic-NAME-STAMP
//                       the proxies' API keys and bcrypt hashes, the folder
//                       mounted read-only at /run/faaso/auth
// Files are named by the secret's stamp and never rewritten: a new value is a
// new file, so replicas still running (or started again by a rollback) keep
// reading theirs. `up` removes what its plan no longer names once it succeeded.
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { encodeBase64, hashSync } from 'bcryptjs';
import { FUNCTION_UID } from '../function/contract.ts';
import { authFiles, PROXY_AUTH_FOLDER, roleAuths } from '../stack/render/secrets.ts';
import type { StackPlan } from '../stack/types.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { functionCopyName } from './rules.ts';

const DEPLOY_FOLDER = '.deploy';
/** bcrypt's work factor: a wrong password costs the proxy tens of milliseconds of CPU; a right one is then cached by Caddy. */
export const BCRYPT_COST = 10;

/** A stack's deploy folder in the store. */
export const deployDir = (storeDir: string, project: string): string => path.join(storeDir, DEPLOY_FOLDER, project);

/** A file of the deploy folder: its path there and content. */
export interface DeployFile {
  rel: string;
  content: Buffer;
}

/**
 * bcrypt of a password with a salt derived from the store's key, the name and
 * the value: the same value always gives the same hash (and file), yet no
 * table of hashes can be made without the key.
 */
export function bcryptHash(key: Buffer, name: string, value: Buffer): string {
  const salt = createHmac('sha256', key).update(`faaso-bcrypt\0${name}\0`).update(value).digest().subarray(0, 16);
  return hashSync(value.toString('utf8'), `$2b$${BCRYPT_COST}$${encodeBase64(salt, 16)}`);
}

/** Every file the plan's containers read, by path. Values come from the store; nothing here is written. */
export function deployFiles(plan: StackPlan, values: ReadonlyMap<string, Buffer>, key: Buffer): DeployFile[] {
  const value = (name: string): Buffer => {
    const v = values.get(name);
    if (!v) throw new Error(`deploy: no value for secret "${name}" (its uses were not checked)`);
    return v;
  };
  const out = new Map<string, Buffer>();
  for (const s of plan.services) for (const ref of s.secrets ?? []) out.set(functionCopyName(ref), value(ref.name));
  const auths = [...roleAuths(plan, 'proxy'), ...roleAuths(plan, 'ports')];
  for (const [file, ref, kind] of authFiles(auths)) {
    const v = value(ref.name);
    out.set(path.posix.join(PROXY_AUTH_FOLDER, file), kind === 'basic' ? Buffer.from(bcryptHash(key, ref.name, v)) : v);
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([rel, content]) => ({ rel, content }));
}

/**
 * Readable by the containers' user only: as root, owned by uid 10001 with
 * mode 0400 (folders 0500); otherwise (Docker without root) readable by all,
 * inside the 0700 folder only this user can enter.
 */
function access(): { file: number; dir: number; owner?: { uid: number; gid: number } } {
  if (process.getuid?.() === 0) return { file: 0o400, dir: 0o500, owner: { uid: FUNCTION_UID, gid: FUNCTION_UID } };
  return { file: 0o444, dir: 0o755 };
}

/** Writes the files that are missing (one that exists has this content: its name says which value). */
export async function writeDeployFiles(dir: string, files: readonly DeployFile[]): Promise<void> {
  const a = access();
  // Folders it creates (.deploy too) are 0700; the store around them is 0700 already.
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  const proxyDir = path.join(dir, PROXY_AUTH_FOLDER);
  if (files.some((f) => f.rel.startsWith(`${PROXY_AUTH_FOLDER}/`))) {
    await fs.mkdir(proxyDir, { recursive: true });
    if (a.owner) await fs.chown(proxyDir, a.owner.uid, a.owner.gid);
    await fs.chmod(proxyDir, a.dir);
  }
  for (const f of files) {
    const file = path.join(dir, f.rel);
    if (await fs.stat(file).catch(() => undefined)) continue;
    await writeFileAtomic(file, f.content, { mode: a.file, ...(a.owner ? { owner: a.owner } : {}) });
  }
}

/** Removes what `keep` does not name (older versions, temp files of an interrupted write). */
export async function pruneDeployFiles(dir: string, keep: readonly DeployFile[]): Promise<void> {
  const wanted = new Set(keep.map((f) => f.rel));
  for (const sub of ['', PROXY_AUTH_FOLDER]) {
    const entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isFile() && !wanted.has(rel)) await fs.rm(path.join(dir, rel), { force: true });
    }
  }
}
