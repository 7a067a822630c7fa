// Placeholder until the lab part exists.
export async function labSection(): Promise<string> {
  return '## Real lab\n\nNot implemented yet.';
}
