// An in-process SSH server on 127.0.0.1 for the ssh driver's tests: accepts any client key,
// records each exec'd command string and runs it with the local sh (stdin, signals and exit
// status passed through), or answers it with a test-supplied handler.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AddressInfo } from 'node:net';
import type { ServerChannel } from 'ssh2';

export interface TestSshServer {
  port: number;
  /** "ssh-ed25519 AAAA…" of the server's host key. */
  publicKey: string;
  commands: string[];
  /** Connections accepted so far. */
  connections: number;
  /** Ends every client connection at once, as a killed sshd does. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface TestSshServerOptions {
  /** Extra environment for commands run with sh (e.g. PATH with a fake virsh first). */
  env?: Record<string, string>;
  /** Answer a command instead of running it. */
  handle?: (command: string, channel: ServerChannel) => boolean;
  hostKeyType?: 'ed25519' | 'ecdsa';
}

/**
 * ssh2's generator drops a leading zero byte of an ed25519 key about once in 500 keys and then
 * cannot parse its own output: generate until the pair reads back.
 */
function generateKeyPair(type: 'ed25519' | 'ecdsa'): { private: string; public: string } {
  for (;;) {
    const pair = type === 'ecdsa' ? ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }) : ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

export function generateHostKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): { private: string; public: string } {
  const pair = generateKeyPair(type);
  return { private: pair.private, public: pair.public.trim().split(' ').slice(0, 2).join(' ') };
}

export async function startTestSshServer(options: TestSshServerOptions = {}, key = generateHostKey(options.hostKeyType)): Promise<TestSshServer> {
  const commands: string[] = [];
  const state = { connections: 0 };
  const clients = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [key.private] }, (client) => {
    state.connections++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => ctx.accept());
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let child: ReturnType<typeof spawn> | undefined;
        // The command's whole process group, like sshd's session child and what it started.
        const killGroup = (signal: NodeJS.Signals): void => {
          if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
            try {
              process.kill(-child.pid, signal);
            } catch {
              // already gone
            }
          }
        };
        session.on('signal', (accept, _reject, info) => {
          accept?.();
          killGroup(`SIG${info.name}` as NodeJS.Signals);
        });
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          commands.push(info.command);
          if (options.handle?.(info.command, channel)) return;
          child = spawn('sh', ['-c', info.command], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
          child.stdout!.pipe(channel, { end: false });
          child.stderr!.pipe(channel.stderr, { end: false });
          channel.pipe(child.stdin!);
          child.stdin!.on('error', () => {});
          child.on('close', (code, signal) => {
            if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
            else channel.exit(code ?? 0);
            channel.end();
          });
          channel.on('close', () => {
            child?.stdin?.end();
            killGroup('SIGKILL');
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    publicKey: key.public,
    commands,
    get connections() {
      return state.connections;
    },
    dropConnections: () => {
      for (const c of clients) c.end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of clients) c.end();
      }),
  };
}

/** A client identity file in a fresh temp dir (the server accepts any key). */
export function writeClientKey(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsmig-ssh-test-'));
  const file = join(dir, 'id_ed25519');
  writeFileSync(file, generateKeyPair('ed25519').private, { mode: 0o600 });
  return file;
}

export function writeKnownHosts(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsmig-known-hosts-'));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}
