// The registry's HTTP API (distribution v2), used to tell "reachable" from "not",
// and whether a tag is already pushed, without shelling out to docker.
import { headerValue, httpRequest } from '../util/http-request.ts';

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export async function pingRegistry(address: string, timeoutMs = 2000): Promise<boolean> {
  try {
    return (await httpRequest(`http://${address}/v2/`, { timeoutMs })).status === 200;
  } catch {
    return false;
  }
}

/** Digest of repo:tag in the registry, or null if it is not there. */
export async function manifestDigest(address: string, repo: string, tag: string): Promise<string | null> {
  try {
    const res = await httpRequest(`http://${address}/v2/${repo}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_TYPES },
      timeoutMs: 5000,
    });
    return res.status === 200 ? headerValue(res.headers, 'docker-content-digest') : null;
  } catch {
    return null;
  }
}

/**
 * Points `toTag` at the manifest of `fromTag` inside the registry (GET, then
 * PUT of the same bytes, so the digest is unchanged). Tagging `latest` this way
 * costs two small requests instead of a second `docker push`. False on failure:
 * the caller falls back to pushing.
 */
export async function copyManifestTag(address: string, repo: string, fromTag: string, toTag: string): Promise<boolean> {
  try {
    const got = await httpRequest(`http://${address}/v2/${repo}/manifests/${fromTag}`, {
      headers: { accept: MANIFEST_TYPES },
      timeoutMs: 5000,
    });
    const type = headerValue(got.headers, 'content-type');
    if (got.status !== 200 || !type) return false;
    const put = await httpRequest(`http://${address}/v2/${repo}/manifests/${toTag}`, {
      method: 'PUT',
      headers: { 'content-type': type },
      body: got.body,
      timeoutMs: 5000,
    });
    return put.status === 201;
  } catch {
    return false;
  }
}

export async function listRepositories(address: string): Promise<string[]> {
  const res = await httpRequest(`http://${address}/v2/_catalog?n=1000`, { timeoutMs: 5000 });
  const body = JSON.parse(res.body.toString('utf8')) as { repositories?: string[] };
  return (body.repositories ?? []).sort();
}

/** Tags of a repository in the registry ([] when it has none, or is unknown). */
export async function listTags(address: string, repo: string): Promise<string[]> {
  const res = await httpRequest(`http://${address}/v2/${repo}/tags/list?n=1000`, { timeoutMs: 5000 });
  if (res.status === 404) return [];
  const body = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
  return (body.tags ?? []).sort();
}

/**
 * Deletes repo:tag's manifest (and with it every tag pointing at the same
 * manifest; faaso's registry runs with storage.delete enabled). The blobs stay
 * until the registry's garbage collection. True when it is gone.
 */
export async function deleteTag(address: string, repo: string, tag: string): Promise<boolean> {
  const digest = await manifestDigest(address, repo, tag);
  if (!digest) return true;
  const res = await httpRequest(`http://${address}/v2/${repo}/manifests/${digest}`, {
    method: 'DELETE',
    timeoutMs: 5000,
  });
  return res.status === 202 || res.status === 404;
}

/** Deletes every tag of the repositories `match` selects (benches and tests clean up with it). */
export async function deleteRepositoryTags(address: string, match: (repo: string) => boolean): Promise<void> {
  if (!(await pingRegistry(address))) return;
  for (const repo of (await listRepositories(address)).filter(match)) {
    for (const tag of await listTags(address, repo)) await deleteTag(address, repo, tag);
  }
}
