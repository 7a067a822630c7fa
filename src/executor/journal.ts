// The run journal: an append-only JSON-lines file of the plan and every migration's state
// changes, written line by line so it survives the engine being killed, and synced to disk so it
// survives this machine crashing. `run --resume` reads it (src/cli/read-journal.ts, which checks
// every line against schemas/journal.schema.json).
import { appendFileSync, closeSync, fsync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineEvents } from './engine-events.ts';
import type { MigrationMode, Plan } from '../planner/types.ts';
import type { DriverKind } from '../playbook/types.ts';
import type { MigrationStatus } from './migration-record.ts';
import { snakeCaseKeys } from '../util/json-keys.ts';

/** A migration's state in the journal: started and retrying as it runs, then its record's status. */
export type JournalMigrationState = 'started' | 'retrying' | MigrationStatus;

/** A journal holds a plan and a few lines per migration: thousands of VMs fit well within this. */
export const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

export type JournalEntry =
  | {
      type: 'run-start';
      at: string;
      /** The playbook's name: and its path as given. */
      playbook: string;
      file: string;
      /** Which playbook this journal belongs to: --resume refuses it for any other. */
      playbook_path: string;
      playbook_sha256: string;
      driver: DriverKind;
    }
  | { type: 'plan'; at: string; plan: Plan }
  | { type: 'migration'; at: string; vm: string; from: string; to: string; /** '' on a retry line, which names only the VM. */ mode: MigrationMode | ''; state: JournalMigrationState; attempt?: number; vm_on?: string | null; error?: string }
  | { type: 'run-end'; at: string; exit_code: number; interrupted: boolean };

export class JournalWriter {
  private readonly fd: number;

  constructor(readonly path: string) {
    // The journal may go into --report-dir before the reports create it.
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o600);
  }

  /** A sync runs in the background; lines written meanwhile go with the next one. */
  private syncing = false;
  private unsynced = false;
  private closeAfterSync = false;

  /**
   * Every line is written at once (a killed engine loses none). The plan is synced before
   * anything moves (resume needs it); other lines are synced in the background, one sync at a
   * time, and close() syncs the rest: waiting for a sync per line (3-8 ms each) was most of a
   * simulated fleet run's wall time, 400 lines for 200 migrations.
   */
  append(entry: JournalEntry): void {
    // The plan is written snake_case like every JSON tsmig writes (schemas/plan.schema.json).
    const line = entry.type === 'plan' ? { ...entry, plan: snakeCaseKeys(entry.plan) } : entry;
    appendFileSync(this.fd, `${JSON.stringify(line)}\n`);
    if (entry.type === 'plan') fsyncSync(this.fd);
    else this.syncSoon();
  }

  private syncSoon(): void {
    if (this.syncing) {
      this.unsynced = true;
      return;
    }
    this.syncing = true;
    // A failed background sync shows at close, whose own sync fails the same way.
    fsync(this.fd, () => {
      this.syncing = false;
      if (this.closeAfterSync) closeSync(this.fd);
      else if (this.unsynced) {
        this.unsynced = false;
        this.syncSoon();
      }
    });
  }

  /** Records what the engine does, as it happens. */
  follow(events: EngineEvents): () => void {
    const at = (): string => new Date().toISOString();
    return events.subscribe((e) => {
      if (e.type === 'planned') this.append({ type: 'plan', at: at(), plan: e.plan });
      else if (e.type === 'migration-start') this.append({ type: 'migration', at: at(), vm: e.vm, from: e.from, to: e.to, mode: e.mode, state: 'started', attempt: e.attempt });
      else if (e.type === 'migration-retry') this.append({ type: 'migration', at: at(), vm: e.vm, from: '', to: '', mode: '', state: 'retrying', attempt: e.attempt, error: e.error });
      else if (e.type === 'migration-end') {
        const r = e.record;
        this.append({ type: 'migration', at: at(), vm: r.vm, from: r.from, to: r.to, mode: r.mode, state: r.status, vm_on: r.vm_on, error: r.error });
      }
    });
  }

  /** Everything written is on disk when this returns; the file closes once no sync is running on it. */
  close(): void {
    fsyncSync(this.fd);
    if (this.syncing) this.closeAfterSync = true;
    else closeSync(this.fd);
  }
}
