// `virsh migrate` (or its --postcopy-resume) running on the source, with its --verbose progress
// passed on as it comes, logged every 25 %, and its stderr kept for the conclusion.
import type { MigrationRequest } from '../driver.ts';
import type { MigrationEnds, SshMigrationContext } from './ssh-migration-context.ts';
import type { ExecResult } from './ssh-pool.ts';
import { commandLine } from './shell-quote.ts';
import { killProcess, reportingPid, virshMigrate, virshMigratePostcopyResume } from './virsh-argv.ts';
import { parseMigrateProgressPercents } from './virsh-parse.ts';

export interface VirshMigrateRun {
  /** Resolves when virsh migrate returned; a lost channel resolves as a failed run (exit null). */
  result: Promise<ExecResult>;
  ended(): boolean;
  /** Its stderr as streamed so far. */
  stderr(): string;
  /**
   * Ends virsh on the source (kill), for a migration that ignores its abort: a link cut while
   * virsh opens its connection to the destination leaves it blocked with no job to abort.
   * False when its pid is not known (yet) or the kill failed.
   */
  kill(): Promise<boolean>;
}

export function startVirshMigrate(
  ctx: SshMigrationContext,
  ends: MigrationEnds,
  request: MigrationRequest,
  resume: boolean,
  onPercent: (percent: number) => void = () => {},
): VirshMigrateRun {
  const { pool, log } = ctx;
  const { source, sourceUri, destinationUri, tag } = ends;
  const argv = resume ? virshMigratePostcopyResume(sourceUri, destinationUri, request) : virshMigrate(sourceUri, destinationUri, request);
  log(`${tag}: ${source.name}$ ${commandLine(argv)}`);
  let lastPercentLogged = -100;
  let stderr = '';
  let ended = false;
  let stdout = '';
  const result = pool
    .exec(source.name, reportingPid(argv), {
      onStdout: (chunk) => (stdout += chunk),
      onStderr: (chunk) => {
        stderr += chunk;
        const percent = parseMigrateProgressPercents(chunk).at(-1);
        if (percent !== undefined) onPercent(percent);
        if (percent !== undefined && percent - lastPercentLogged >= 25) {
          lastPercentLogged = percent;
          log(`${tag}: virsh migrate ${percent} %`);
        }
      },
    })
    // A lost channel is a failed attempt like any other: where the VM is gets checked after.
    .catch((error: Error): ExecResult => ({ exitCode: null, stdout: '', stderr: `error: ${error.message}\n`, aborted: false }))
    .finally(() => (ended = true));
  const kill = async (): Promise<boolean> => {
    const pid = /^(\d+)\n/.exec(stdout)?.[1];
    if (pid === undefined || ended) return false;
    const r = await pool.exec(source.name, killProcess(Number(pid))).catch(() => undefined);
    return r?.exitCode === 0;
  };
  return { result, ended: () => ended, stderr: () => stderr, kill };
}
