// Escaping for every string that comes from a report (VM and host names, error messages).
// One function for HTML text, quoted HTML attributes, inline SVG and XML 1.0 (the JUnit file):
// all five markup characters become entities, and characters XML 1.0 forbids become U+FFFD,
// because an error message from a remote host can carry any byte.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// C0 controls except tab, newline, carriage return; lone surrogates; U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeHtml(text: string | number): string {
  return String(text)
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
