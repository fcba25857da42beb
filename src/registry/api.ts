// The registry's HTTP API (distribution v2), used to tell "reachable" from "not",
// and whether a tag is already pushed, without shelling out to docker.

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export async function pingRegistry(address: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Digest of repo:tag in the registry, or null if it is not there. */
export async function manifestDigest(address: string, repo: string, tag: string): Promise<string | null> {
  try {
    const res = await fetch(`http://${address}/v2/${repo}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_TYPES },
      signal: AbortSignal.timeout(5000),
    });
    return res.status === 200 ? res.headers.get('docker-content-digest') : null;
  } catch {
    return null;
  }
}

export async function listRepositories(address: string): Promise<string[]> {
  const res = await fetch(`http://${address}/v2/_catalog?n=1000`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { repositories?: string[] };
  return (body.repositories ?? []).sort();
}
