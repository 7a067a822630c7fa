// How a fake lab host's `virsh` reaches the test process. The test SSH server runs each command
// the driver sends with a real sh; `virsh` (and `tail`) on that sh's PATH is a small bash script
// that sends its host, name and argv over a local TCP connection and prints what comes back. The
// answer is computed here, in the test process (ssh-fake-virsh.ts), instead of in a node process
// started per call (~50 ms of CPU each, the bulk of the ssh tests' time). Killing the script (the
// driver's `kill PID`, a closed SSH channel) closes the connection, which ends the call here.
//
// Wire format, NUL-separated (no virsh output contains NUL): request HOST NAME ARGC ARG…;
// answer records `o<stdout text>`, `e<stderr text>` and a final `x<exit status>`.
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FakeCallIo } from './ssh-fake-virsh.ts';

/** bash, not sh: /dev/tcp and `read -d ''` are bash's; both are builtins, so a call starts no other process. */
const standInScript = `#!/bin/bash
exec 3<>"/dev/tcp/127.0.0.1/$FAKE_LAB_RELAY_PORT" || exit 125
printf '%s\\0' "$FAKE_LAB_HOST" "\${0##*/}" "$#" "$@" >&3
while IFS= read -r -d '' record <&3; do
  case $record in
    o*) printf '%s' "\${record#o}" ;;
    e*) printf '%s' "\${record#e}" >&2 ;;
    x*) exit "\${record#x}" ;;
  esac
done
echo "fake lab: the test process hung up" >&2
exit 125
`;

export type FakeCommand = (host: string, program: string, argv: string[], io: FakeCallIo) => Promise<number>;

export interface ExecRelay {
  port: number;
  /** The sh environment of a host whose `programs` answer through the relay. */
  env(host: string): Record<string, string>;
  close(): Promise<void>;
}

/** Writes the stand-in scripts for `programs` into `binDir` and starts the relay answering them with `run`. */
export async function startExecRelay(binDir: string, programs: string[], run: FakeCommand): Promise<ExecRelay> {
  for (const program of programs) {
    writeFileSync(join(binDir, program), standInScript);
    chmodSync(join(binDir, program), 0o755);
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const gone = new AbortController();
    socket.on('close', () => {
      sockets.delete(socket);
      gone.abort();
    });
    socket.on('error', () => {});
    let buffered = '';
    let started = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (started) return;
      buffered += chunk;
      const fields = buffered.split('\0');
      const argc = Number(fields[2]);
      // The last element is what follows the last NUL: complete once HOST NAME ARGC and ARGC args arrived.
      if (fields.length < 4 || !Number.isInteger(argc) || fields.length - 1 < 3 + argc) return;
      started = true;
      const [host, program] = fields as [string, string];
      const send = (kind: string, text: string): void => {
        if (text !== '' && !gone.signal.aborted) socket.write(`${kind}${text.replaceAll('\0', '')}\0`);
      };
      const io: FakeCallIo = { stdout: (t) => send('o', t), stderr: (t) => send('e', t), signal: gone.signal };
      run(host, program, fields.slice(3, 3 + argc), io).then(
        (code) => {
          if (!gone.signal.aborted) socket.end(`x${code}\0`);
        },
        (error: Error) => {
          send('e', `fake lab: ${error.stack ?? error.message}\n`);
          if (!gone.signal.aborted) socket.end('x70\0');
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    env: (host) => ({ FAKE_LAB_RELAY_PORT: String(port), FAKE_LAB_HOST: host }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
