// A driver's MigrationRequest with the defaults the tests share (pre-copy, no limits, attempt 1):
// each test names only what it is about.
import type { MigrationRequest } from '../../src/drivers/driver.ts';

export function migrationRequest(vm: string, from: string, to: string, over: Partial<MigrationRequest> = {}): MigrationRequest {
  return {
    vm,
    from,
    to,
    mode: 'pre-copy',
    bandwidthMbps: 0,
    maxDowntimeMs: 300,
    autoConverge: false,
    postcopySwitch: 'immediate',
    persistent: false,
    undefineSource: false,
    attempt: 1,
    ...over,
  };
}
