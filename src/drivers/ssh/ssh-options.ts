// The ssh driver's inventory keys, declared beside the driver that reads them (as an Ansible
// connection plugin declares its options): their schema, their bounds, their defaults, and the
// normalised form the driver gets. The playbook loader composes every driver's declarations
// (src/drivers/driver-options.ts); nothing else lists these keys.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { duration, MINUTE_MS } from '../../playbook/schema-fragments.ts';
import type { DriverOptionsDeclaration } from '../driver-options-declaration.ts';
import { parseDurationMs } from '../../util/duration.ts';

const hostAddress = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$' } as const;

/** Keys a host (or `defaults`) may carry for the ssh driver. */
export const sshHostProperties = {
  address: { ...hostAddress, description: 'ssh: where to reach the host (defaults to its name).' },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  user: { type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$' },
  identity_file: { type: 'string', minLength: 1 },
  known_hosts: { type: 'string', minLength: 1 },
  host_key_checking: { type: 'boolean' },
  libvirt_uri: { type: 'string', pattern: '^[a-z+]+://[A-Za-z0-9._/:@-]*$' },
  nic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,15}$', description: 'ssh: the host NIC whose counters are its traffic.' },
  migration_address: { ...hostAddress, description: 'ssh: the address other hosts use for qemu+ssh:// to this one.' },
  connect_timeout: duration,
} as const;

type RawSshHost = FromSchema<{ type: 'object'; additionalProperties: false; properties: typeof sshHostProperties }>;

export const SSH_HOST_DEFAULTS = {
  port: 22,
  user: 'root',
  libvirtUri: 'qemu:///system',
  hostKeyChecking: true,
  connectTimeoutMs: 10_000,
} as const;

/** A host as the ssh driver sees it. */
export interface SshHostOptions {
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** false only when the inventory says so explicitly (like Ansible's host_key_checking). */
  hostKeyChecking: boolean;
  libvirtUri: string;
  /** Host NIC whose counters are the host's traffic. */
  nic?: string;
  /** Address the source uses to reach this host for qemu+ssh:// (defaults to the name). */
  migrationAddress: string;
  connectTimeoutMs: number;
}

export function normalizeSshHost(name: string, raw: RawSshHost): SshHostOptions {
  return {
    address: raw.address ?? name,
    port: raw.port ?? SSH_HOST_DEFAULTS.port,
    user: raw.user ?? SSH_HOST_DEFAULTS.user,
    identityFile: expandHome(raw.identity_file),
    knownHostsFile: expandHome(raw.known_hosts),
    hostKeyChecking: raw.host_key_checking ?? SSH_HOST_DEFAULTS.hostKeyChecking,
    libvirtUri: raw.libvirt_uri ?? SSH_HOST_DEFAULTS.libvirtUri,
    nic: raw.nic,
    migrationAddress: raw.migration_address ?? name,
    connectTimeoutMs: raw.connect_timeout === undefined ? SSH_HOST_DEFAULTS.connectTimeoutMs : parseDurationMs(raw.connect_timeout),
  };
}

/** `~/.ssh/id_ed25519` as ssh would read it. */
function expandHome(path: string | undefined): string | undefined {
  return path?.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export const sshOptions = {
  hostProperties: sshHostProperties,
  hostOnlyProperties: {},
  inventoryProperties: {},
  hostDurationBounds: { connect_timeout: { minMs: 100, maxMs: 10 * MINUTE_MS } },
  inventoryDurationBounds: {},
  // Ansible's connection variables, for -i with an Ansible inventory.
  ansibleAliases: {
    ansible_host: 'address',
    ansible_port: 'port',
    ansible_user: 'user',
    ansible_ssh_private_key_file: 'identity_file',
  },
  normalizeHost: normalizeSshHost,
  normalizeInventory: (): Record<never, never> => ({}),
} as const satisfies DriverOptionsDeclaration;
