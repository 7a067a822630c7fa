// Writes throwaway playbooks into a per-process temp dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'tsmig-test-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;

export function writeTemp(content: string, name = `playbook-${++n}.yml`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export const tempDir = dir;
