// Runs the real `tsmig` binary as a user would (bin/tsmig.js → the build in dist/), capturing exit
// code, stdout and stderr. `npm test` builds first; a build older than src/ fails loudly rather
// than testing stale code when a test file is run on its own.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { tempDir } from './temp-files.ts';

const repo = new URL('../../', import.meta.url).pathname;
const BIN = join(repo, 'bin/tsmig.js');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function assertBuildIsCurrent(): void {
  let builtMs: number;
  try {
    builtMs = statSync(join(repo, 'dist/main.js')).mtimeMs;
  } catch {
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  }
  if (newestMtimeMs(join(repo, 'src')) > builtMs) throw new Error('dist/ is older than src/: run `npm run build` (npm test does)');
}

let checked = false;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  if (!checked) assertBuildIsCurrent();
  checked = true;
  const r = await execa('node', [BIN, ...args], { reject: false, cwd: tempDir, env: { CI: '1', ...env }, timeout: 120_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
