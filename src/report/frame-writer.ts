// Draws the live view's frame in place: erases the last frame's lines, writes the new one. It
// stands in for log-update inside listr2's renderer: log-update re-wraps the whole frame with
// wrap-ansi on every redraw, which costs time quadratic in a line's spaces; the plan's padded
// table made a frame ~20 ms at fleet size, 3× the run's own CPU. listr2 has already cut every
// line to the width, so here lines are only cut to this terminal's columns (never wrapped: each
// line is one row, so the erase count is exact) and the frame to its rows.

export interface FrameSize {
  columns?: number;
  rows?: number;
}

export interface FrameWriter {
  (text: string): void;
  clear(): void;
  done(): void;
}

const CSI = '\x1b[';
// eslint-disable-next-line no-control-regex -- SGR colour sequences take no columns
const TOKENS = /\x1b\[[0-9;]*m|[^\x1b]/gsu;
/** East Asian wide and fullwidth ranges and emoji: two columns each (more is safe: a line is cut sooner). */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;

export function createFrameWriter(write: (text: string) => void, size: FrameSize): FrameWriter {
  let lineCount = 0;
  let last = '';
  const render = ((text: string): void => {
    const columns = size.columns ?? 80;
    let lines = text.split('\n').map((l) => cutToColumns(l, columns));
    // A frame taller than the terminal could not be erased: its top is cut, as log-update does.
    const rows = size.rows ?? 24;
    if (lines.length > rows - 1) lines = lines.slice(lines.length - Math.max(1, rows - 1));
    const output = `${lines.join('\n')}\n`;
    if (output === last) return;
    write(`${eraseLines(lineCount)}${output}`);
    last = output;
    // The cursor ends on the line below the frame: that one is erased too next time.
    lineCount = lines.length + 1;
  }) as FrameWriter;
  render.clear = (): void => {
    write(eraseLines(lineCount));
    lineCount = 0;
    last = '';
  };
  render.done = (): void => {
    lineCount = 0;
    last = '';
  };
  return render;
}

/** Erase `count` lines upwards from the cursor's, ending in column 1 (ansi-escapes' eraseLines). */
function eraseLines(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `${CSI}2K${i < count - 1 ? `${CSI}1A` : ''}`;
  return count > 0 ? `${out}${CSI}G` : '';
}

/** The line cut to `columns` terminal columns (colour sequences count none, wide characters two). */
export function cutToColumns(line: string, columns: number): string {
  // Fast paths: even if every character were wide it would fit; printable ASCII is one column each.
  if (2 * line.length <= columns) return line;
  if (/^[\x20-\x7e]*$/.test(line)) return line.length <= columns ? line : line.slice(0, columns);
  let width = 0;
  let end = 0;
  let coloured = false;
  for (const m of line.matchAll(TOKENS)) {
    const token = m[0];
    if (token.length > 1 && token.startsWith('\x1b')) {
      coloured = true;
      continue;
    }
    const w = WIDE.test(token) ? 2 : 1;
    if (width + w > columns) return `${line.slice(0, end)}${coloured ? `${CSI}0m` : ''}`;
    width += w;
    end = (m.index ?? 0) + token.length;
  }
  return line;
}
