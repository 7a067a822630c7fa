// Ctrl-C / SIGTERM: the first stops new migrations (running ones finish, or abort with
// --abort-on-interrupt); a second aborts running pre-copy migrations too. Post-copy after the
// switch is never aborted: the VM already runs on its destination.
export interface InterruptControl {
  /** Aborted at the first signal: start nothing new. */
  stop: AbortSignal;
  /** Aborted when running pre-copy migrations should be aborted as well. */
  abortRunning: AbortSignal;
  dispose(): void;
}

export function handleInterrupts(say: (line: string) => void, abortRunningOnFirst: boolean): InterruptControl {
  const stop = new AbortController();
  const abortRunning = new AbortController();
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) {
      say(`${signal}: starting no new migrations; ${abortRunningOnFirst ? 'aborting running pre-copy migrations' : 'running migrations finish (send again to abort them)'}`);
      stop.abort(new Error(`interrupted by ${signal}`));
      if (abortRunningOnFirst) abortRunning.abort(new Error(`interrupted by ${signal}`));
    } else {
      say(`${signal} again: aborting running pre-copy migrations`);
      abortRunning.abort(new Error(`interrupted by ${signal}`));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    abortRunning: abortRunning.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
