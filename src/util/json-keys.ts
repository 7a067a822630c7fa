// JSON outputs use snake_case keys (as the run report always did); the engine's types use
// camelCase. These convert whole subtrees (plan, measurements) whose keys are all field names,
// never data (no map keyed by VM or host name), so the conversion is lossless both ways.

export function snakeCaseKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelCaseKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), mapKeys(v, rename)]));
}

export function snakeCaseKeys(value: unknown): unknown {
  return mapKeys(value, snakeCaseKey);
}

export function camelCaseKeys(value: unknown): unknown {
  return mapKeys(value, camelCaseKey);
}
