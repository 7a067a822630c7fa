// Every file tsmig reads goes through here: it must be a regular file (a FIFO would block
// forever, a device like /dev/zero never ends, a directory is a mistake), and it is read with a
// byte limit enforced while reading, because stat says 0 bytes for /dev/zero and /proc files.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { ExitCode, TsmigError } from '../errors.ts';

/** A file tsmig refused to read; exit 4 with what was wrong and what to do. */
export class InputFileError extends TsmigError {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path}: ${problem}`, ExitCode.invalidInputOrUnreachable);
  }
}

const CHUNK_BYTES = 64 * 1024;

/** Reads at most `maxBytes` of a regular file; anything else is refused at once. `what` names it for people ("playbook", "journal"). */
export function readRegularFile(path: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new InputFileError(path, openProblem(error, what));
  }
  try {
    const kind = fileKind(fstatSync(fd));
    if (kind !== 'file') throw new InputFileError(path, `the ${what} is ${kind}, not a regular file (give the path of a file)`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      chunks.push(chunk.subarray(0, n));
      if (total > maxBytes) throw new InputFileError(path, `the ${what} is larger than ${formatLimit(maxBytes)}, the limit for a ${what}`);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(path, openProblem(error, what));
  } finally {
    closeSync(fd);
  }
}

/** The same, decoded as UTF-8 text; bytes that are not UTF-8 are refused, not silently replaced. */
export function readRegularTextFile(path: string, what: string, maxBytes: number): string {
  const bytes = readRegularFile(path, what, maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError(path, `the ${what} is not UTF-8 text`);
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function openProblem(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such ${what} (check the path)`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied reading the ${what} (check its permissions)`;
  if (code === 'EISDIR') return `the ${what} is a directory, not a regular file (give the path of a file)`;
  if (code === 'ELOOP') return `too many symbolic links resolving the ${what}`;
  if (code === 'ENOTDIR') return `a part of the path is not a directory (check the path)`;
  return `cannot read the ${what} (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
