// A terminal in memory, enough for the live progress view (listr2 through log-update): text,
// newlines, carriage return, cursor up (ESC [ n A), to column 1 (ESC [ G), erase the line
// (ESC [ 2 K), clear to the end of the screen (ESC [ J), cursor shown or hidden (ESC [ ? 25 h/l),
// colours (ESC [ … m).
// What it shows after the writes is what a person would see; every write is kept for counting.
export class FakeTty {
  readonly isTTY = true;
  readonly writes: string[] = [];
  private screen: string[] = [''];
  private row = 0;

  constructor(
    readonly columns = 120,
    readonly rows = 60,
    /** Throw when a line is longer than the terminal is wide (the view must never wrap). */
    private readonly strictWidth = true,
  ) {}

  write(text: string): boolean {
    this.writes.push(text);
    // eslint-disable-next-line no-control-regex
    for (const token of text.match(/\x1b\[\??[\d;]*[A-Za-z]|\r|\n|[^\x1b\r\n]+/g) ?? []) {
      if (token === '\n') {
        this.row += 1;
        if (this.screen.length <= this.row) this.screen.push('');
      } else if (token === '\r') {
        // Column 0: the view always rewrites whole lines.
      } else if (token === '\x1b[?25l' || token === '\x1b[?25h') {
        // The cursor hidden or shown: nothing on screen changes.
      } else if (token.startsWith('\x1b[')) {
        const n = Number(token.slice(2, -1) || '1');
        const op = token.at(-1);
        if (op === 'm') {
          // Colours: nothing moves.
        } else if (op === 'A') this.row = Math.max(0, this.row - n);
        else if (op === 'J') this.screen = [...this.screen.slice(0, this.row), ''];
        else if (op === 'K' && n === 2) this.screen[this.row] = '';
        else if (op === 'G' && n === 1) {
          // Column 1: the view always rewrites whole lines.
        } else throw new Error(`fake tty: unexpected escape ${JSON.stringify(token)}`);
      } else {
        this.screen[this.row] = (this.screen[this.row] ?? '') + token;
        if (this.strictWidth && [...(this.screen[this.row] ?? '')].length > this.columns) throw new Error(`fake tty: a line wraps: ${this.screen[this.row]}`);
      }
    }
    return true;
  }

  /** The lines on screen, empty lines at the bottom (the cursor's, erased ones) left out. */
  lines(): string[] {
    const lines = [...this.screen];
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }
}
