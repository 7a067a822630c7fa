// Runs the real `tsmig` binary as a user would, capturing exit code, stdout and stderr.
import { execa } from 'execa';
import { tempDir } from './temp-files.ts';

const BIN = new URL('../../bin/tsmig.js', import.meta.url).pathname;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa('node', [BIN, ...args], { reject: false, cwd: tempDir, env: { CI: '1', ...env }, timeout: 120_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
