// Ansible-style host/VM patterns: `web-*`, `rack12-?`, lists joined by ',' or ':'.
export function compilePatterns(patterns: string): (name: string) => boolean {
  const matchers = splitPatterns(patterns).map(compilePattern);
  return (name) => matchers.some((matches) => matches(name));
}

/** The single patterns of a list, in order. */
export function splitPatterns(patterns: string): string[] {
  return patterns
    .split(/[,:]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function compilePattern(pattern: string): (name: string) => boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => regex.test(name);
}
