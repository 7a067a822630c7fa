// The playbook's JSON Schema: the one source of truth for its shape. The raw types below are
// derived from it, and schemas/playbook.schema.json is generated from it (`npm run schema`;
// a unit test fails when the published file drifts).
import type { FromSchema } from 'json-schema-to-ts';
import { driverHostOnlyProperties, driverHostProperties, driverInventoryProperties, DRIVER_KINDS } from '../drivers/driver-options.ts';
import { BOUNDS, duration, mbps, memoryMib, name, vcpus } from './schema-fragments.ts';
import { REPORT_FORMATS } from './types.ts';

export { BOUNDS, DURATION_PATTERN, NAME_PATTERN } from './schema-fragments.ts';

const parallel = { type: 'integer', minimum: 1, maximum: BOUNDS.maxParallel } as const;
const mode = { enum: ['pre-copy', 'post-copy'] } as const;

/**
 * Keys a host may carry whatever the driver: its capacity. Each driver declares its own keys
 * beside it (src/drivers/DRIVER/…-options.ts); `defaults` takes the same ones, minus host-only keys.
 */
const hostProperties = {
  nic_mbps: { type: 'number', minimum: 1, maximum: BOUNDS.maxMbps, description: 'NIC capacity per direction (full duplex).' },
  memory_mib: { ...memoryMib, description: 'Memory available to incoming VMs.' },
  vcpus: { ...vcpus, description: 'vCPUs available to incoming VMs.' },
  ...driverHostProperties,
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
        properties: { ...hostProperties, ...driverHostOnlyProperties },
      },
    },
    ...driverInventoryProperties,
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
          enum: ['prefer-post-copy', 'auto-converge', 'fail', 'ignore'],
          description: 'A pre-copy predicted not to finish within the timeout goes by post-copy, by pre-copy with auto-converge, the plan is refused, or (ignore) it is planned plain and its timeout aborts it if it does not finish.',
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
