// Text for a terminal or a text file: control characters from names and error messages (a
// remote host's stderr can carry any byte) are shown escaped, never sent raw, so a name cannot
// move the cursor, recolour the screen, set the window title or reverse the text that follows.
// Newlines and tabs stay: the renderers put them there.

// C0 except tab and newline, DEL, C1, and the bidirectional overrides and isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SHOWN_ESCAPED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function showControlChars(text: string): string {
  return text.replace(SHOWN_ESCAPED, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
