// Host key verification against an OpenSSH known_hosts file: plain and hashed (|1|salt|hash)
// host patterns, `[host]:port` for non-22 ports, wildcards and negation, @revoked markers.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  line: number;
  marker?: '@revoked' | '@cert-authority';
  /** Comma-separated patterns, or one hashed `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  keyBase64: string;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (words[0] === '@revoked' || words[0] === '@cert-authority') marker = words.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, keyBase64] = words;
    if (!hosts || !keyType || !keyBase64) return;
    entries.push({ line: index + 1, ...(marker ? { marker } : {}), hosts, keyType, keyBase64 });
  });
  return entries;
}

/** How OpenSSH names a host in known_hosts: `addr` on port 22, `[addr]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hostsFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** OpenSSH's fingerprint form, as `ssh-keygen -lf` prints it. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { result: 'known'; line: number }
  | { result: 'unknown' }
  | { result: 'changed'; line: number; knownFingerprint: string }
  | { result: 'revoked'; line: number };

/** Key types known_hosts holds for this host, so the client can ask the server for one of them. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => !e.marker && hostsFieldMatches(e.hosts, name)).map((e) => e.keyType))];
}

/**
 * The verdict on the key `blob` presented by host `name` (see knownHostsName). A host known with
 * other keys is "changed" when one of them has the presented key's type, "unknown" otherwise
 * (as OpenSSH does); the caller asks for known key types first so this stays rare.
 */
export function verifyHostKey(entries: KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const presentedType = keyTypeOfBlob(blob);
  const presented = blob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostsFieldMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBase64 === presented);
  if (revoked) return { result: 'revoked', line: revoked.line };
  const same = forHost.find((e) => !e.marker && e.keyBase64 === presented);
  if (same) return { result: 'known', line: same.line };
  const sameType = forHost.find((e) => !e.marker && e.keyType === presentedType);
  if (sameType) {
    return { result: 'changed', line: sameType.line, knownFingerprint: sha256Fingerprint(Buffer.from(sameType.keyBase64, 'base64')) };
  }
  return { result: 'unknown' };
}
