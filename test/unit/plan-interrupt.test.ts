// Issue 12 item 4 / issue 14 case 2: Ctrl-C while a fleet-size plan is being searched ends tsmig
// at once with exit 99 — planning yields to the event loop between slices of work, so the signal
// is seen within a slice (50 ms of search), not when the search's time limit runs out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';

const BIN = new URL('../../bin/tsmig.js', import.meta.url).pathname;
const FLEET = new URL('../../playbooks/drain-rack-any.yml', import.meta.url).pathname;

test('SIGINT during planning of a 200-VM drain to any host: exit 99 well before the time limit, nothing planned is printed', async (t) => {
  // gap 0 and a two-minute limit: only a proof of optimality would end this search early.
  const child = execa(process.execPath, [BIN, 'plan', FLEET, '-e', 'planner.time_limit=120s', '-e', 'planner.gap=0'], { reject: false, env: { CI: '1' }, timeout: 150_000 });
  let stderr = '';
  const searching = await new Promise<boolean>((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Progress is printed once planning has run for a second: the search is under way.
      if (/planning \d+(\.\d+)?s:/.test(stderr)) resolve(true);
    });
    void child.then(() => resolve(false));
  });
  assert.ok(searching, `planning showed progress before ending:\n${stderr}`);
  const sentMs = Date.now();
  child.kill('SIGINT');
  const r = await child;
  const afterSignalMs = Date.now() - sentMs;
  t.diagnostic(`ended ${afterSignalMs} ms after SIGINT`);
  assert.equal(r.exitCode, 99, String(r.stderr));
  // 1 s on a quiet machine; the bound leaves room for a loaded one, and is far below the 120 s limit.
  assert.ok(afterSignalMs < 5000, `ended ${afterSignalMs} ms after the signal`);
  assert.match(String(r.stderr), /interrupted/i);
  assert.doesNotMatch(String(r.stdout), /PLAN \[|wave 1/, 'no plan is shown for an interrupted search');
});
