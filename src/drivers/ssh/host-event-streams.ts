// One `virsh event --all --loop --timestamp` per host, opened when the driver connects and kept
// for the run: libvirt's own word on how each migration ended, already on hand when `virsh
// migrate` returns. On the lab a pre-copy's source says "Stopped Migrated" and then job-completed
// (with the final statistics) as virsh returns; its destination said "Resumed Migrated" before.
// Reading that costs nothing, where asking both hosts with virsh afterwards took ~0.2 s per
// migration. A stream that ends (libvirtd restarted, connection lost) is opened again on its next
// use; a migration whose events it missed is checked with virsh as before.
import type { SshPool } from './ssh-pool.ts';
import { LineSplitter } from './line-splitter.ts';
import { untilInputEnds, virshAllEvents } from './virsh-argv.ts';

interface HostStream {
  /** Every whole line printed so far, each ending in "\n". */
  text: string;
  running: boolean;
  stopInput: AbortController;
  ended: Promise<void>;
}

/** Where a migration's events begin on one host: what its stream had printed before. */
export interface EventMark {
  host: string;
  offset: number;
}

export class HostEventStreams {
  private readonly streams = new Map<string, HostStream>();
  private closed = false;

  constructor(
    private readonly pool: SshPool,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens the host's stream unless it runs; does not wait for it. */
  open(host: string): void {
    if (this.closed || this.streams.get(host)?.running) return;
    const previous = this.streams.get(host);
    const lines = new LineSplitter();
    const stream: HostStream = { text: previous?.text ?? '', running: true, stopInput: new AbortController(), ended: Promise.resolve() };
    const take = (complete: string[]): void => {
      for (const line of complete) stream.text += `${line}\n`;
    };
    const uri = this.pool.host(host).libvirtUri;
    stream.ended = this.pool
      .exec(host, untilInputEnds(virshAllEvents(uri)), { endInput: stream.stopInput.signal, onStdout: (chunk) => take(lines.push(chunk)) })
      .then((r) => {
        take(lines.end());
        if (!this.closed && !stream.stopInput.signal.aborted) this.log(`${host}: event stream ended (exit ${r.exitCode ?? 'without status'}); it opens again on its next use`);
      })
      .catch((error: Error) => {
        if (!this.closed) this.log(`${host}: event stream failed: ${error.message}`);
      })
      .finally(() => (stream.running = false));
    this.streams.set(host, stream);
  }

  /** Marks where a migration's events begin on this host (opening its stream if it ended). */
  mark(host: string): EventMark {
    this.open(host);
    return { host, offset: this.streams.get(host)?.text.length ?? 0 };
  }

  /** The whole lines the host printed since the mark. */
  since(mark: EventMark): string {
    return this.streams.get(mark.host)?.text.slice(mark.offset) ?? '';
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.streams.values()) s.stopInput.abort();
    await Promise.all([...this.streams.values()].map((s) => s.ended));
  }
}
