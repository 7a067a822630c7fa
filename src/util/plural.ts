// "1 wave", "2 waves", "1 VM", "5 VMs": counts in text with the noun in the right number.
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
