// The states of one migration over SSH and what moves it between them. Pure: the parts that
// watch the hosts (event monitor, switch loop, poller, abort policy) report events here, and
// decide from the state alone.

/**
 * - starting: the source's event monitor is opening; virsh migrate not run yet
 * - pre-copy: virsh migrate runs and no switch was accepted: an abort cancels it, the VM stays
 * - switch-requested: QEMU accepted the post-copy switch: an abort could now split the VM
 * - post-copy: the source paused for post-copy (lifecycle event or its domain state)
 * - cancelling: domjobabort sent before any switch
 * - pausing-post-copy: domjobabort --postcopy sent to a switched post-copy, to resume it later
 * - finishing-post-copy: an abort came after the switch: the migration is left to finish
 * - ended: virsh migrate returned
 */
export const migrationStates = [
  'starting',
  'pre-copy',
  'switch-requested',
  'post-copy',
  'cancelling',
  'pausing-post-copy',
  'finishing-post-copy',
  'ended',
] as const;
export type MigrationState = (typeof migrationStates)[number];

export type MigrationEvent =
  | 'migrate-started'
  /** virsh migrate --postcopy-resume started: the switch happened in an earlier attempt. */
  | 'resume-started'
  | 'switch-requested'
  | 'switched'
  | 'cancel-sent'
  | 'pause-sent'
  | 'abort-refused'
  | 'migrate-ended';

/** Every transition; an event a state does not list leaves it where it is. */
const transitions: Record<MigrationState, Partial<Record<MigrationEvent, MigrationState>>> = {
  starting: { 'migrate-started': 'pre-copy', 'resume-started': 'post-copy', 'migrate-ended': 'ended' },
  'pre-copy': { 'switch-requested': 'switch-requested', switched: 'post-copy', 'cancel-sent': 'cancelling', 'migrate-ended': 'ended' },
  'switch-requested': { switched: 'post-copy', 'pause-sent': 'pausing-post-copy', 'abort-refused': 'finishing-post-copy', 'migrate-ended': 'ended' },
  'post-copy': { 'pause-sent': 'pausing-post-copy', 'abort-refused': 'finishing-post-copy', 'migrate-ended': 'ended' },
  // A switch that got through just before the cancel: the cancel cannot undo it, so it finishes.
  cancelling: { 'switch-requested': 'finishing-post-copy', switched: 'finishing-post-copy', 'migrate-ended': 'ended' },
  'pausing-post-copy': { 'migrate-ended': 'ended' },
  'finishing-post-copy': { 'migrate-ended': 'ended' },
  ended: {},
};

export interface MigrationTransition {
  from: MigrationState;
  event: MigrationEvent;
  to: MigrationState;
  atMs: number;
}

export class MigrationStateMachine {
  private current: MigrationState = 'starting';
  private before: MigrationState = 'starting';
  private readonly trail: MigrationTransition[] = [];
  /** When QEMU first accepted the switch (or the switch was first seen). */
  private requestedAtMs: number | undefined;
  private seenAtMs: number | undefined;

  constructor(private readonly nowMs: () => number) {}

  get state(): MigrationState {
    return this.current;
  }

  /** The transitions so far, in order. */
  get transitions(): readonly MigrationTransition[] {
    return this.trail;
  }

  /** When the switch to post-copy was seen (a resume counts from its start). */
  get switchedAtMs(): number | undefined {
    return this.seenAtMs;
  }

  /**
   * A switch was accepted or seen, at any time, even after virsh migrate returned (the events
   * can trail it): neither host may have the whole VM, so where it is must be read that way.
   */
  get switchAccepted(): boolean {
    return this.requestedAtMs !== undefined || this.seenAtMs !== undefined;
  }

  /** The migration was cancelled before any switch: the VM is meant to stay on its source. */
  get cancelledBeforeSwitch(): boolean {
    return this.before === 'cancelling' && this.current === 'ended' && !this.switchAccepted;
  }

  /** Whether an abort was already answered (cancel, pause or refusal sent). */
  get abortAnswered(): boolean {
    return this.current === 'cancelling' || this.current === 'pausing-post-copy' || this.current === 'finishing-post-copy';
  }

  /** Applies the event; returns the new state (unchanged when the state does not list the event). */
  fire(event: MigrationEvent): MigrationState {
    const atMs = this.nowMs();
    // The facts of a switch are kept whatever the state, as the old flags were.
    if (event === 'switch-requested' || event === 'resume-started') this.requestedAtMs ??= atMs;
    if (event === 'switched' || event === 'resume-started') this.seenAtMs ??= atMs;
    const to = transitions[this.current][event];
    if (to === undefined) return this.current;
    this.trail.push({ from: this.current, event, to, atMs });
    this.before = this.current;
    this.current = to;
    return to;
  }
}
