// Decides, for one inventory host, whether the key its SSH server presents is acceptable, and
// words the refusal so the user knows what to do.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HostKeyError } from '../../errors.ts';
import type { InventoryHost } from '../../playbook/types.ts';
import { InputFileError, readRegularTextFile } from '../../util/read-regular-file.ts';

/** known_hosts files of thousands of hosts are a few MiB. */
const MAX_KNOWN_HOSTS_BYTES = 16 * 1024 * 1024;
import { knownHostsName, knownKeyTypes, parseKnownHosts, sha256Fingerprint, keyTypeOfBlob, verifyHostKey, type KnownHostEntry } from './known-hosts.ts';

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** Server host key algorithms that produce a key of the given known_hosts type. */
function algorithmsForKeyType(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export interface HostKeyCheck {
  /** For ssh2's `hostVerifier` (raw key blob in, accept or not out). */
  verify(blob: Buffer): boolean;
  /** Why the last verify() refused, as the error to throw. */
  refusal(): HostKeyError | undefined;
  /** Host key algorithms to ask for first: those known_hosts has a key of for this host. */
  preferredAlgorithms: string[];
}

export function hostKeyCheck(host: InventoryHost, log: (line: string) => void = () => {}): HostKeyCheck {
  const file = host.knownHostsFile ?? defaultKnownHostsFile();
  const name = knownHostsName(host.address, host.port);
  let refusal: HostKeyError | undefined;
  if (!host.hostKeyChecking) {
    return {
      verify: (blob) => {
        log(`${host.name}: host key checking is off (inventory hostKeyChecking: false); accepting ${keyTypeOfBlob(blob)} ${sha256Fingerprint(blob)}`);
        return true;
      },
      refusal: () => undefined,
      preferredAlgorithms: [],
    };
  }
  let entries: KnownHostEntry[] = [];
  let readProblem = '';
  try {
    entries = parseKnownHosts(readRegularTextFile(file, 'known_hosts file', MAX_KNOWN_HOSTS_BYTES));
  } catch (error) {
    readProblem = ` (${file} could not be read: ${error instanceof InputFileError ? error.problem : (error as Error).message})`;
  }
  const addHint = `check the fingerprint out of band, then add the key: ssh-keyscan -p ${host.port} ${host.address} >> ${file}; or set hostKeyChecking: false for this host in the inventory`;
  return {
    verify: (blob) => {
      const verdict = verifyHostKey(entries, name, blob);
      const presented = `${keyTypeOfBlob(blob)} ${sha256Fingerprint(blob)}`;
      if (verdict.result === 'known') return true;
      if (verdict.result === 'unknown') {
        refusal = new HostKeyError(host.name, `host key ${presented} of ${name} is not in ${file}${readProblem}; ${addHint}`);
      } else if (verdict.result === 'changed') {
        refusal = new HostKeyError(
          host.name,
          `HOST KEY CHANGED for ${name}: it presented ${presented} but ${file}:${verdict.line} has ${verdict.knownFingerprint}. ` +
            `This may be an attack. If the change is expected, remove the old key (ssh-keygen -R '${name}' -f ${file}) and add the new one after checking it`,
        );
      } else {
        refusal = new HostKeyError(host.name, `host key ${presented} of ${name} is revoked (${file}:${verdict.line}); refusing to connect`);
      }
      return false;
    },
    refusal: () => refusal,
    preferredAlgorithms: knownKeyTypes(entries, name).flatMap(algorithmsForKeyType),
  };
}
