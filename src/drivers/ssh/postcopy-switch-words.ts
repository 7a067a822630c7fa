// The line protocol between the post-copy switch loop (virshPostcopySwitchLoop, a shell loop run
// on the source) and the engine: the loop prints one of these words per line on stdout. Both
// sides take them from here: the loop receives them as arguments, the engine reads them back.

export const switchLoopWords = {
  /** No switch accepted in time: pre-copy got its speed limit back and finishes as pre-copy. */
  gaveUp: 'gave-up',
  /** QEMU accepted `migrate-postcopy`: from now on an abort could leave the VM split between hosts. */
  requested: 'requested',
  /** The source domain shows "paused (post-copy)": the switch happened. */
  switched: 'switched',
} as const;

export type SwitchLoopWord = (typeof switchLoopWords)[keyof typeof switchLoopWords];

const known = new Set<string>(Object.values(switchLoopWords));

/** The word a whole line of the loop's output carries, or undefined for anything else. */
export function switchLoopWord(line: string): SwitchLoopWord | undefined {
  const word = line.trim();
  return known.has(word) ? (word as SwitchLoopWord) : undefined;
}
