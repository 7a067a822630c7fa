// Errors are values that carry every fact a user needs, and the exit code they map to.

export const ExitCode = {
  ok: 0,
  migrationsFailed: 2,
  invalidInputOrUnreachable: 4,
  badOptions: 5,
  interrupted: 99,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class TsmigError extends Error {
  constructor(message: string, readonly exitCode: ExitCodeValue) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where in a file something is; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
  /** The command-line option that set this value (`-e key=value`): it is blamed, not the file. */
  option?: string;
}

export function formatPosition(p: SourcePosition): string {
  return p.option ?? `${p.file}:${p.line}:${p.column}`;
}

/** The playbook (YAML, schema or meaning) is wrong; each problem names FILE:LINE:COL, or the -e option that set the value (exit 5). */
export class PlaybookError extends TsmigError {
  constructor(readonly problems: Array<{ position: SourcePosition; message: string }>) {
    const fromOption = problems.some((p) => p.position.option !== undefined);
    super(problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n'), fromOption ? ExitCode.badOptions : ExitCode.invalidInputOrUnreachable);
  }
}

export class HostUnreachableError extends TsmigError {
  constructor(readonly host: string, detail: string) {
    super(`host ${host} is unreachable: ${detail}`, ExitCode.invalidInputOrUnreachable);
  }
}

export class HostKeyError extends TsmigError {
  constructor(readonly host: string, detail: string) {
    super(`host ${host}: ${detail}`, ExitCode.invalidInputOrUnreachable);
  }
}

export class UsageError extends TsmigError {
  constructor(message: string) {
    super(message, ExitCode.badOptions);
  }
}

export class InterruptedError extends TsmigError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}

/** Where a VM runs after a failed attempt; the executor decides what to do with it. */
export type VmWhereabouts = 'source' | 'destination' | 'paused-in-postcopy' | 'unknown';

/** One migration attempt failed; `vmOn` says where the VM runs now. */
export class MigrationFailedError extends TsmigError {
  constructor(
    readonly vm: string,
    /** What went wrong, without the VM's name. */
    readonly detail: string,
    readonly vmOn: VmWhereabouts,
    readonly retryable = true,
    /** What an operator does to recover, in the driver's terms (the executor prints it). */
    readonly recovery?: string,
  ) {
    super(`${vm}: ${detail}`, ExitCode.migrationsFailed);
  }
}
