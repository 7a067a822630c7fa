// The only place a remote command string is built: ssh exec takes one string that the remote
// POSIX shell re-splits, so every argv element is quoted on its own and joined with spaces.

/**
 * Characters a POSIX shell never treats specially; such words are left bare for readable logs.
 * No `=`: a bare `A=b` as the first word would be an assignment, not a command.
 */
const plainWord = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes one argv element for a POSIX shell: the shell reads it back as exactly `arg`.
 * Inside single quotes nothing is special except `'` itself, written as '\'' (close, escaped
 * quote, reopen).
 */
export function quoteShellArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('an argument cannot contain a NUL byte');
  if (plainWord.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command string for an argv array, each element quoted by quoteShellArg. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty argv');
  return argv.map(quoteShellArg).join(' ');
}
