// Class names come from fixed lists, never from a report's strings: a hand-edited report (or
// journal) could otherwise put anything into a class attribute.
const MODE_CLASSES: Record<string, string> = { 'pre-copy': 'mode-pre-copy', 'post-copy': 'mode-post-copy' };
const STATUS_CLASSES: Record<string, string> = {
  ok: 'ok',
  changed: 'changed',
  failed: 'failed',
  skipped: 'skipped',
  planned: 'planned',
  'not run': 'not-run',
};

/** `mode-pre-copy`, `mode-post-copy`, else `mode-unknown`. */
export function modeClass(mode: unknown): string {
  return (typeof mode === 'string' && Object.hasOwn(MODE_CLASSES, mode) ? MODE_CLASSES[mode] : undefined) ?? 'mode-unknown';
}

/** `PREFIX-ok`, `PREFIX-failed`, … else `PREFIX-unknown`. */
export function statusClass(prefix: 'status' | 'row', status: unknown): string {
  const known = typeof status === 'string' && Object.hasOwn(STATUS_CLASSES, status) ? STATUS_CLASSES[status] : undefined;
  return `${prefix}-${known ?? 'unknown'}`;
}
