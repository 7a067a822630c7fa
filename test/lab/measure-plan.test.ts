// Through the CLI on the real lab: the ssh driver's measurement sees gsend send and grecv
// receive, and `tsmig plan` picks post-copy for the sender and pre-copy for the receiver.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { guestsHomeOnA, labInventory, labPlaybook, recordMeasurement, runningOn, tsmig } from './lab-helpers.ts';

before(guestsHomeOnA);

test('plan: gsend TX and grecv RX measured; gsend by post-copy, grecv by pre-copy; nothing moves', { timeout: 120_000 }, async (t) => {
  const r = await tsmig(['plan', labPlaybook('lab-a-to-b.yml'), '-i', labInventory], { signal: t.signal });
  assert.equal(r.exitCode, 0, r.stderr);
  const vms = r.json.measurements?.vms ?? [];
  const gsend = vms.find((v) => v.vm === 'gsend');
  const grecv = vms.find((v) => v.vm === 'grecv');
  assert.ok(gsend && grecv, JSON.stringify(vms));
  assert.equal(gsend.host, 'hostA');
  // ~1.7 MB/s ≈ 13.9 Mbit/s unloaded (test/lab/README.md); a busy 2-core machine slows the TCG
  // guests (3.4 Mbit/s at load 22). The ratios below tell a sender from ACKs at any load.
  assert.ok(gsend.tx_mbps > 1 && gsend.tx_mbps < 30, `gsend tx ${gsend.tx_mbps} Mbps`);
  assert.ok(gsend.rx_mbps < gsend.tx_mbps / 10, `gsend rx ${gsend.rx_mbps} Mbps (ACKs only)`);
  assert.ok(grecv.rx_mbps > 1 && grecv.rx_mbps < 30, `grecv rx ${grecv.rx_mbps} Mbps`);
  assert.ok(grecv.tx_mbps < grecv.rx_mbps / 10, `grecv tx ${grecv.tx_mbps} Mbps (ACKs only)`);
  assert.ok(Math.abs(gsend.tx_mbps - grecv.rx_mbps) / gsend.tx_mbps < 0.1, 'what gsend sends, grecv receives');
  const modes = Object.fromEntries((r.json.plan?.migrations ?? []).map((m) => [m.vm, m.mode]));
  assert.deepEqual(modes, { gsend: 'post-copy', grecv: 'pre-copy' });
  assert.deepEqual(await runningOn('hostA'), ['grecv', 'gsend']);
  assert.deepEqual(await runningOn('hostB'), []);
  // grecv rewrites 16 MiB with new content every second (test/lab/guest/init): page-sampling
  // must see most of it (it read 1-4 MiB/s while the dirtier copied identical bytes).
  const grecvDirty = grecv.dirty_mib_per_s ?? 0;
  assert.ok(grecvDirty > 8, `grecv dirty rate ${grecvDirty} MiB/s (writes 16)`);
  recordMeasurement('per-VM rates (5 s window, Mbit/s, guest view)', {
    grecvDirtyMibPerS: +grecvDirty.toFixed(2),
    gsendDirtyMibPerS: +(gsend.dirty_mib_per_s ?? 0).toFixed(2),
    gsendTxMbps: +gsend.tx_mbps.toFixed(2),
    gsendRxMbps: +gsend.rx_mbps.toFixed(3),
    grecvTxMbps: +grecv.tx_mbps.toFixed(3),
    grecvRxMbps: +grecv.rx_mbps.toFixed(2),
    planWallS: r.wallMs / 1000,
  });
});
