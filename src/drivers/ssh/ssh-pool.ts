// One SSH connection per host for the whole run, many exec channels over it at once.
// Commands go in as argv (quoted by shell-quote.ts); identity files are read, never logged.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { ExitCode, HostUnreachableError, TsmigError } from '../../errors.ts';
import type { InventoryHost } from '../../playbook/types.ts';
import { hostKeyCheck } from './host-key-check.ts';
import { commandLine } from './shell-quote.ts';
import { InputFileError, readRegularFile } from '../../util/read-regular-file.ts';

/** Private keys are a few KiB; RSA 16384 bits in PEM is under 13 KiB. */
const MAX_IDENTITY_FILE_BYTES = 64 * 1024;

export interface ExecOptions {
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Closes the channel (after sending KILL to the remote process); exec then resolves with aborted. */
  signal?: AbortSignal;
  /** Sends EOF on the command's stdin (see untilInputEnds in virsh-argv.ts): a graceful stop. */
  endInput?: AbortSignal;
  /** Called once the channel is open and the command started. */
  onOpen?: () => void;
}

export interface ExecResult {
  /** null when the channel closed without an exit status (killed, aborted, connection lost). */
  exitCode: number | null;
  /** The host's SSH connection went away under the command (sshd killed, host down). */
  connectionLost?: boolean;
  exitSignal?: string;
  stdout: string;
  stderr: string;
  aborted: boolean;
}

/** A remote command exited non-zero; carries host, command and stderr. */
export class RemoteCommandError extends Error {
  constructor(readonly host: string, readonly command: string, readonly exitCode: number | null, readonly stderr: string) {
    super(`${host}: \`${command}\` ${exitCode === null ? 'ended without exit status' : `exited ${exitCode}`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    this.name = 'RemoteCommandError';
  }
}

export interface SshPoolSettings {
  /** OpenSSH's MaxSessions defaults to 10 per connection; extra execs wait for a free channel. */
  maxChannelsPerHost: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

export const defaultSshPoolSettings: SshPoolSettings = { maxChannelsPerHost: 8, keepaliveIntervalMs: 5000, keepaliveCountMax: 3 };

/** Counting semaphore for channels on one connection. */
class ChannelSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function authConfig(host: InventoryHost): Pick<ConnectConfig, 'privateKey' | 'agent'> {
  if (host.identityFile) return { privateKey: readPrivateKey(host.identityFile, host.name) };
  const agent = process.env.SSH_AUTH_SOCK;
  const fallback = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f)).find((f) => existsSync(f));
  return { ...(agent ? { agent } : {}), ...(fallback ? { privateKey: readPrivateKey(fallback, host.name) } : {}) };
}

/** The key's bytes, once ssh2 can parse them: a malformed key is named with its host and file, exit 4. */
function readPrivateKey(file: string, hostName: string): Buffer {
  let key: Buffer;
  try {
    key = readRegularFile(file, 'identity file', MAX_IDENTITY_FILE_BYTES);
  } catch (error) {
    const problem = error instanceof InputFileError ? error.problem : String(error);
    throw new TsmigError(`host ${hostName}: ${file}: ${problem} (inventory identity_file)`, ExitCode.invalidInputOrUnreachable);
  }
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    throw new TsmigError(
      `host ${hostName}: identity file ${file} is not a private key tsmig can use (${parsed.message}); give an unencrypted OpenSSH or PEM private key, or load it into ssh-agent and drop identity_file`,
      ExitCode.invalidInputOrUnreachable,
    );
  }
  return key;
}

interface Connection {
  client: ssh2.Client;
  slots: ChannelSlots;
  closed: boolean;
  /** The server ended the session or the socket failed (before 'close', which may come later). */
  ended?: boolean;
}

export class SshPool {
  private readonly hosts = new Map<string, InventoryHost>();
  private readonly connections = new Map<string, Promise<Connection>>();

  constructor(
    hosts: InventoryHost[],
    private readonly log: (line: string) => void = () => {},
    private readonly settings: SshPoolSettings = defaultSshPoolSettings,
  ) {
    for (const h of hosts) this.hosts.set(h.name, h);
  }

  host(name: string): InventoryHost {
    const h = this.hosts.get(name);
    if (!h) throw new TsmigError(`host ${name} is not in the inventory`, ExitCode.invalidInputOrUnreachable);
    return h;
  }

  /** Opens (or reuses) the host's connection. Rejects with HostUnreachableError or HostKeyError naming the host. */
  async connect(name: string): Promise<void> {
    await this.connection(name);
  }

  private connection(name: string): Promise<Connection> {
    const existing = this.connections.get(name);
    if (existing) return existing;
    const opening = this.open(this.host(name));
    this.connections.set(name, opening);
    opening.then(
      (c) => {
        c.client.once('end', () => (c.ended = true));
        c.client.once('close', () => {
          c.closed = true;
          if (this.connections.get(name) === opening) this.connections.delete(name);
        });
      },
      () => this.connections.delete(name),
    );
    return opening;
  }

  private open(host: InventoryHost): Promise<Connection> {
    const check = hostKeyCheck(host, this.log);
    const where = `${host.user}@${host.address}:${host.port}`;
    return new Promise<Connection>((resolve, reject) => {
      const client = new ssh2.Client();
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        client.destroy();
        reject(error);
      };
      // ssh2's readyTimeout covers the handshake; this also bounds a TCP connect that never answers.
      const timer = setTimeout(() => fail(new HostUnreachableError(host.name, `no SSH session with ${where} within ${host.connectTimeoutMs} ms`)), host.connectTimeoutMs + 250);
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.log(`${host.name}: connected to ${where}`);
        resolve({ client, slots: new ChannelSlots(this.settings.maxChannelsPerHost), closed: false });
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        const refusal = check.refusal();
        if (refusal) return fail(refusal);
        if (error.level === 'client-authentication') {
          return fail(new HostUnreachableError(host.name, `authentication as ${host.user} at ${where} failed${host.identityFile ? ' with the identity file from the inventory' : ''}`));
        }
        if (error.level === 'client-timeout') return fail(new HostUnreachableError(host.name, `no SSH handshake with ${where} within ${host.connectTimeoutMs} ms`));
        if (!settled) return fail(new HostUnreachableError(host.name, `${where}: ${error.code ? `${error.code} ` : ''}${error.message}`));
        this.log(`${host.name}: connection error: ${error.message}`);
      });
      let auth: ReturnType<typeof authConfig>;
      try {
        auth = authConfig(host);
      } catch (error) {
        return fail(error as Error);
      }
      client.connect({
        host: host.address,
        port: host.port,
        username: host.user,
        ...auth,
        readyTimeout: host.connectTimeoutMs,
        keepaliveInterval: this.settings.keepaliveIntervalMs,
        keepaliveCountMax: this.settings.keepaliveCountMax,
        hostVerifier: (blob: Buffer) => check.verify(blob),
        ...(check.preferredAlgorithms.length > 0
          ? { algorithms: { serverHostKey: { prepend: check.preferredAlgorithms as ServerHostKeyAlgorithm[], append: [], remove: [] } } }
          : {}),
      });
    });
  }

  /** Runs argv on the host over its pooled connection; resolves whatever the exit code. */
  async exec(name: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = commandLine(argv);
    const connection = await this.connection(name);
    await connection.slots.acquire();
    try {
      return await this.execOnChannel(name, connection, command, options);
    } finally {
      connection.slots.release();
    }
  }

  /** exec, then throw RemoteCommandError unless it exited 0; returns stdout. */
  async run(name: string, argv: readonly string[], options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(name, argv, options);
    if (result.connectionLost) throw new HostUnreachableError(name, `the SSH connection was lost while running \`${commandLine(argv)}\``);
    if (result.exitCode !== 0) throw new RemoteCommandError(name, commandLine(argv), result.exitCode, result.stderr);
    return result.stdout;
  }

  private execOnChannel(name: string, connection: Connection, command: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      if (options.signal?.aborted) return resolve({ exitCode: null, stdout: '', stderr: '', aborted: true });
      connection.client.exec(command, (error, channel: ClientChannel) => {
        if (error) return reject(new HostUnreachableError(name, `cannot open a channel: ${error.message}`));
        const out = new StringDecoder('utf8');
        const err = new StringDecoder('utf8');
        let stdout = '';
        let stderr = '';
        let exitCode: number | null = null;
        let exitSignal: string | undefined;
        let aborted = false;
        const onAbort = (): void => {
          aborted = true;
          try {
            channel.signal('KILL');
          } catch {
            // the server may not support signals; closing the channel still ends our side
          }
          channel.close();
        };
        const onEndInput = (): void => {
          channel.end();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        if (options.endInput?.aborted) onEndInput();
        else options.endInput?.addEventListener('abort', onEndInput, { once: true });
        options.onOpen?.();
        channel.on('data', (data: Buffer) => {
          const text = out.write(data);
          stdout += text;
          if (text) options.onStdout?.(text);
        });
        channel.stderr.on('data', (data: Buffer) => {
          const text = err.write(data);
          stderr += text;
          if (text) options.onStderr?.(text);
        });
        channel.on('exit', (code: number | null, signalName?: string) => {
          exitCode = code;
          if (signalName) exitSignal = signalName;
        });
        channel.on('close', () => {
          options.signal?.removeEventListener('abort', onAbort);
          options.endInput?.removeEventListener('abort', onEndInput);
          const restOut = out.end();
          const restErr = err.end();
          if (restOut) options.onStdout?.(restOut);
          if (restErr) options.onStderr?.(restErr);
          const result = { exitCode, ...(exitSignal ? { exitSignal } : {}), stdout: stdout + restOut, stderr: stderr + restErr, aborted };
          if (exitCode !== null || exitSignal || aborted) return resolve(result);
          // No exit status: was it the whole connection? The client's 'end'/'close' can trail the channel's.
          setTimeout(() => resolve({ ...result, ...(connection.ended || connection.closed ? { connectionLost: true } : {}) }), 100);
        });
      });
    });
  }

  async close(): Promise<void> {
    const open = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      open.map(async (p) => {
        try {
          const c = await p;
          if (c.closed) return;
          await new Promise<void>((resolve) => {
            c.client.once('close', () => resolve());
            c.client.end();
            setTimeout(resolve, 1000).unref();
          });
        } catch {
          // a connection that never opened has nothing to close
        }
      }),
    );
  }
}
