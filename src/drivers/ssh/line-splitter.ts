// Whole lines out of a stream that arrives in chunks cut anywhere: an SSH channel splits output
// where it likes, so a word or an event line may come in two pieces and must be read once, whole.
export class LineSplitter {
  private partial = '';

  /** The lines this chunk completes, without their line ends ("\n" or "\r\n"). */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    return parts.map(withoutCarriageReturn);
  }

  /** At the end of the stream: its last line if it had no line end. */
  end(): string[] {
    const rest = withoutCarriageReturn(this.partial);
    this.partial = '';
    return rest === '' ? [] : [rest];
  }
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
