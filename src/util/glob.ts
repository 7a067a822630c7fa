// Ansible-style host/VM patterns: `web-*`, `rack12-?`, lists joined by ',' or ':'.
export function compilePatterns(patterns: string): (name: string) => boolean {
  const regexes = patterns
    .split(/[,:]/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => regexes.some((r) => r.test(name));
}
