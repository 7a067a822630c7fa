// The post-copy switch, run on the source itself from the start of the migration as one shell
// loop (virshPostcopySwitchLoop); its words (postcopy-switch-words.ts) come back line by line.
import type { MigrationRequest } from '../driver.ts';
import type { MigrationEnds, SshMigrationContext } from './ssh-migration-context.ts';
import { LineSplitter } from './line-splitter.ts';
import { switchLoopWord, switchLoopWords, type SwitchLoopWord } from './postcopy-switch-words.ts';
import { bandwidthMibPerS, untilInputEnds, virshPostcopySwitchLoop } from './virsh-argv.ts';

export interface PostcopySwitcher {
  /** Ends the loop on the host and waits for it: no switch can be requested after this. */
  stop(): Promise<void>;
}

/** Starts the loop; each word it prints is passed to onWord. It stops by itself once switched. */
export function startPostcopySwitcher(
  ctx: SshMigrationContext,
  ends: MigrationEnds,
  request: MigrationRequest,
  onWord: (word: SwitchLoopWord) => void,
): PostcopySwitcher {
  const { pool, settings, log } = ctx;
  const stopInput = new AbortController();
  const lines = new LineSplitter();
  const take = (complete: string[]): void => {
    for (const line of complete) {
      const word = switchLoopWord(line);
      if (word === undefined) continue;
      onWord(word);
      if (word === switchLoopWords.switched) stopInput.abort();
    }
  };
  const argv = virshPostcopySwitchLoop(ends.sourceUri, ends.vm, {
    retryMs: settings.switchRetryMs,
    afterFirstPass: request.postcopySwitch === 'after-first-pass',
    maxTries: Math.ceil(settings.switchGiveUpMs / settings.switchRetryMs),
    restoreMibPerS: request.bandwidthMbps > 0 ? bandwidthMibPerS(request.bandwidthMbps) : 0,
  });
  const running = pool
    .exec(ends.source.name, untilInputEnds(argv), {
      endInput: stopInput.signal,
      onStdout: (chunk) => take(lines.push(chunk)),
    })
    .then(() => take(lines.end()))
    .catch((error: Error) => log(`${ends.tag}: post-copy switch: ${error.message}`));
  return {
    stop: async () => {
      stopInput.abort();
      await running;
    },
  };
}
