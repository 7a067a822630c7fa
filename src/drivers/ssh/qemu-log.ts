// The log libvirt's QEMU driver keeps per domain, read when a migrated VM is found on neither
// host: its last lines say how the destination's QEMU ended (a guest that reset or crashed, an
// error loading the migration stream, a signal from libvirtd).

/**
 * Where libvirtd writes a domain's QEMU log for a system URI (libvirt's default log_dir,
 * /var/log/libvirt/qemu/NAME.log); undefined for session or remote URIs, whose log lives in a
 * user's cache directory that tsmig does not guess.
 */
export function qemuLogPath(libvirtUri: string, domain: string): string | undefined {
  if (!/^qemu(\+unix)?:\/\/\/system(\?|$)/.test(libvirtUri)) return undefined;
  if (!/^[A-Za-z0-9._-]+$/.test(domain) || domain.startsWith('.')) return undefined;
  return `/var/log/libvirt/qemu/${domain}.log`;
}

/** The last `lines` lines of the log: enough to hold the command line libvirt writes at each start. */
export function qemuLogTailArgv(path: string, lines = 200): string[] {
  return ['tail', '-n', String(lines), '--', path];
}

/**
 * The lines that say what happened, without the environment and command line libvirt writes at
 * every start (`NAME=value \`, `/usr/bin/qemu… \`, `-option value \`), the last `keep` of them.
 */
export function qemuLogEvents(text: string, keep = 6): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.endsWith('\\') && !/^([A-Z_][A-Z0-9_]*=|-|\/)/.test(line))
    .slice(-keep);
}
