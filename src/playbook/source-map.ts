// Maps JSON-pointer paths of a parsed YAML document to where their nodes start in the file.
import { EVENT_ID, getScalarValue, type Event } from 'js-yaml';
import type { SourcePosition } from '../errors.ts';

export class SourceMap {
  /** Offsets of values by JSON pointer, and of mapping keys by the pointer of their value. */
  private readonly valueOffsets = new Map<string, number>();
  private readonly keyOffsets = new Map<string, number>();
  private readonly lineStarts: number[];

  constructor(readonly file: string, source: string, events: Event[]) {
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.index(source, events);
  }

  private readonly aliases: Array<[string, string]> = [];

  /** Pointers under `from` are found under `to` in the file (data converted after parsing). */
  alias(from: string, to: string): void {
    this.aliases.push([from, to]);
  }

  private readonly blamed: Array<{ pointer: string; option: string }> = [];

  /** The value at `pointer` (and below) was set by a command-line option, not the file. */
  blame(pointer: string, option: string): void {
    this.blamed.push({ pointer, option });
  }

  /** Position of the node at `pointer`, or of its nearest ancestor present in the file. */
  positionOf(pointer: string, preferKey = false): SourcePosition {
    // The last option that set this value or one above it wins, as it did when it was applied.
    const byOption = this.blamed.findLast((b) => pointer === b.pointer || pointer.startsWith(`${b.pointer}/`));
    if (byOption) return { ...this.positionAt(0), option: byOption.option };
    for (const [from, to] of this.aliases) {
      if (pointer === from || pointer.startsWith(`${from}/`)) {
        pointer = to + pointer.slice(from.length);
        break;
      }
    }
    for (let p = pointer; ; p = parentPointer(p)) {
      const offset = (preferKey ? this.keyOffsets.get(p) : undefined) ?? this.valueOffsets.get(p);
      if (offset !== undefined) return this.positionAt(offset);
      if (p === '') return this.positionAt(0);
    }
  }

  positionAt(offset: number): SourcePosition {
    offset = Math.max(0, offset);
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  private index(source: string, events: Event[]): void {
    // A stack of open collections: for a mapping, whether the next scalar is a key, and the key.
    type Frame = { pointer: string; kind: 'map' | 'seq'; nextIndex: number; pendingKey?: string };
    const stack: Frame[] = [];
    const childPointer = (): string | undefined => {
      const top = stack.at(-1);
      if (!top) return '';
      if (top.kind === 'seq') return `${top.pointer}/${top.nextIndex++}`;
      if (top.pendingKey === undefined) return undefined; // this node is a key
      const p = `${top.pointer}/${escapePointer(top.pendingKey)}`;
      top.pendingKey = undefined;
      return p;
    };
    for (const event of events) {
      switch (event.type) {
        case EVENT_ID.MAPPING:
        case EVENT_ID.SEQUENCE: {
          const pointer = childPointer() ?? '';
          this.valueOffsets.set(pointer, event.start);
          stack.push({ pointer, kind: event.type === EVENT_ID.MAPPING ? 'map' : 'seq', nextIndex: 0 });
          break;
        }
        case EVENT_ID.SCALAR: {
          const pointer = childPointer();
          const top = stack.at(-1);
          if (pointer === undefined && top) {
            top.pendingKey = getScalarValue(source, event);
            this.keyOffsets.set(`${top.pointer}/${escapePointer(top.pendingKey)}`, event.valueStart);
          } else if (pointer !== undefined) {
            // An empty value (`inventory:` and nothing) has no offset of its own: its key stands for it.
            const offset = event.valueStart >= 0 ? event.valueStart : this.keyOffsets.get(pointer);
            if (offset !== undefined) this.valueOffsets.set(pointer, offset);
          }
          break;
        }
        case EVENT_ID.ALIAS: {
          const pointer = childPointer();
          if (pointer !== undefined) this.valueOffsets.set(pointer, event.anchorStart);
          break;
        }
        case EVENT_ID.POP:
          stack.pop();
          break;
        default:
          break;
      }
    }
  }
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function parentPointer(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}
