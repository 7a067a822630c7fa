// The playbook's JSON Schema: the one source of truth for its shape. The raw types below are
// derived from it, and schemas/playbook.schema.json is generated from it (`npm run schema`;
// a unit test fails when the published file drifts).
import type { FromSchema } from 'json-schema-to-ts';
import { DRIVER_KINDS, REPORT_FORMATS } from './types.ts';

/** Host and VM names: no shell metacharacters can get in. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds. */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)?$';

const duration = {
  oneOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'number', minimum: 0 },
  ],
  description: 'A duration: 500ms, 30s, 2m, 1h, or a number of seconds.',
} as const;

/**
 * Bounds on every number: what makes physical sense, so no value can make a run endless or huge.
 * Durations are strings; their bounds are checked after parsing (duration-bounds.ts).
 */
export const BOUNDS = {
  /** 1 Tbit/s: beyond any NIC. */
  maxMbps: 1_000_000,
  /** 64 TiB: beyond any host or VM. */
  maxMemoryMib: 64 * 1024 * 1024,
  maxVcpus: 4096,
  /** 1 TiB/s: beyond any memory bus. */
  maxDirtyMibPerS: 1024 * 1024,
  maxFailMigrations: 1000,
  /** Migrations at once, per cluster or per host. */
  maxParallel: 10_000,
  maxRetries: 100,
} as const;

const mbps = { type: 'number', minimum: 0, maximum: BOUNDS.maxMbps, description: 'Megabits per second.' } as const;
const memoryMib = { type: 'integer', minimum: 1, maximum: BOUNDS.maxMemoryMib } as const;
const vcpus = { type: 'integer', minimum: 1, maximum: BOUNDS.maxVcpus } as const;
const parallel = { type: 'integer', minimum: 1, maximum: BOUNDS.maxParallel } as const;
const mode = { enum: ['pre-copy', 'post-copy'] } as const;
const name = { type: 'string', pattern: NAME_PATTERN } as const;

const simVm = {
  type: 'object',
  additionalProperties: false,
  required: ['memory_mib'],
  properties: {
    memory_mib: memoryMib,
    vcpus,
    tx_mbps: mbps,
    rx_mbps: mbps,
    dirty_mib_per_s: { type: 'number', minimum: 0, maximum: BOUNDS.maxDirtyMibPerS },
    fail_migrations: { type: 'integer', minimum: 0, maximum: BOUNDS.maxFailMigrations, description: 'sim: the first N migration attempts fail.' },
  },
} as const;

/** Keys a host may carry; `defaults` takes the same ones, minus the sim's VM list. */
const hostProperties = {
  nic_mbps: { type: 'number', minimum: 1, maximum: BOUNDS.maxMbps, description: 'NIC capacity per direction (full duplex).' },
  memory_mib: { ...memoryMib, description: 'Memory available to incoming VMs.' },
  vcpus: { ...vcpus, description: 'vCPUs available to incoming VMs.' },
  address: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$' },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  user: { type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$' },
  identity_file: { type: 'string', minLength: 1 },
  known_hosts: { type: 'string', minLength: 1 },
  host_key_checking: { type: 'boolean' },
  libvirt_uri: { type: 'string', pattern: '^[a-z+]+://[A-Za-z0-9._/:@-]*$' },
  nic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,15}$' },
  migration_address: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$' },
  connect_timeout: duration,
  background: {
    type: 'object',
    additionalProperties: false,
    properties: { tx_mbps: mbps, rx_mbps: mbps },
    description: 'sim: non-VM traffic on the NIC.',
  },
} as const;

export const inventorySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hosts'],
  properties: {
    driver: { enum: DRIVER_KINDS, description: 'ssh (virsh over SSH, the default) or sim (embedded simulator).' },
    defaults: { type: 'object', additionalProperties: false, properties: hostProperties },
    hosts: {
      type: 'object',
      minProperties: 1,
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...hostProperties,
          vms: { type: 'object', propertyNames: name, additionalProperties: simVm, description: 'sim: VMs running there now.' },
        },
      },
    },
    sim: {
      type: 'object',
      additionalProperties: false,
      properties: {
        noise: { type: 'number', minimum: 0, maximum: 1, description: 'Relative noise on measured rates.' },
        seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
        faults: {
          type: 'object',
          additionalProperties: false,
          description: 'Random faults, for rehearsing failure handling.',
          properties: {
            migration_failure_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Share of attempts that fail before any switch.' },
            link_cut_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Share of attempts during which the link drops.' },
            link_outage: duration,
            host_outage_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Share of hosts whose libvirt is down for a while.' },
            host_outage: duration,
          },
        },
      },
    },
  },
} as const;

export const playbookSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://tsmig.invalid/schemas/playbook.schema.json',
  title: 'tsmig playbook',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'migrations'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    inventory: {
      oneOf: [{ type: 'string', minLength: 1, description: 'Path to an inventory file, relative to the playbook.' }, inventorySchema],
    },
    sampling: {
      type: 'object',
      additionalProperties: false,
      properties: { duration, interval: duration },
    },
    strategy: { enum: ['traffic-sensitive', 'pre-copy', 'post-copy'] },
    objective: { enum: ['contention', 'time'] },
    planner: {
      type: 'object',
      additionalProperties: false,
      description: 'How long planning may take: it stops at time_limit or once the contention is within gap of its proven lower bound.',
      properties: {
        time_limit: duration,
        gap: {
          description: 'Relative gap at which a large coupled group stops improving: "0.5%" or a number of percent.',
          oneOf: [{ type: 'number', minimum: 0, maximum: 100 }, { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?%$' }],
        },
      },
    },
    migrations: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: {
          from: name,
          to: { oneOf: [name, { type: 'array', minItems: 1, items: name }] },
          vms: { oneOf: [{ const: 'all' }, { type: 'array', minItems: 1, items: name }] },
          mode,
          postcopy: { enum: ['allow', 'deny'] },
        },
      },
    },
    constraints: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_parallel: parallel,
        max_outbound_per_host: parallel,
        max_inbound_per_host: parallel,
        bandwidth_mbps: { ...mbps, description: 'Per migration; 0 = unlimited, else at least 1.' },
        max_downtime: duration,
        timeout: duration,
        retries: { type: 'integer', minimum: 0, maximum: BOUNDS.maxRetries },
        retry_delay: duration,
        deadline: { ...duration, description: 'The whole run: once passed, no migration starts and running pre-copies are aborted.' },
        modes: { type: 'array', minItems: 1, uniqueItems: true, items: mode },
        auto_converge: { type: 'boolean' },
        convergence: {
          enum: ['prefer-post-copy', 'auto-converge', 'fail'],
          description: 'A pre-copy predicted not to finish within the timeout goes by post-copy, by pre-copy with auto-converge, or the plan is refused.',
        },
        postcopy_switch: { enum: ['immediate', 'after-first-pass'] },
        persistent: { type: 'boolean' },
        undefine_source: { type: 'boolean' },
      },
    },
    report: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', minLength: 1 },
        dir: { type: 'string', minLength: 1 },
        formats: { type: 'array', uniqueItems: true, items: { enum: REPORT_FORMATS } },
      },
    },
  },
} as const;

export type RawPlaybook = FromSchema<typeof playbookSchema>;
export type RawInventory = FromSchema<typeof inventorySchema>;
