// The virsh parsers on REAL output captured from libvirt 9.0 / QEMU 7.2 (test/fixtures/virsh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parseDomiflist,
  parseDominfo,
  parseDomjobinfoRaw,
  parseDomainEventLines,
  parseDomstatsDirtyrate,
  parseDomstatsInterfaces,
  parseJobCompletedEvents,
  postcopySwitchEvent,
  parseListAll,
  parseMigrateProgressPercents,
  virshErrorLines,
  VirshOutputError,
} from '../../src/drivers/ssh/virsh-parse.ts';

const fixtures = new URL('../fixtures/virsh/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, fixtures), 'utf8');

/** The series files: `=== EPOCH [label]` separators before each capture. */
function series(name: string): Array<{ header: string; body: string }> {
  return fixture(name)
    .split(/^=== /m)
    .filter((s) => s.trim() !== '')
    .map((s) => {
      const nl = s.indexOf('\n');
      return { header: s.slice(0, nl), body: s.slice(nl + 1) };
    });
}

test('list --all: both guests running on hostA', () => {
  assert.deepEqual(parseListAll(fixture('list-all.txt')), [
    { id: 3, name: 'grecv', state: 'running' },
    { id: 4, name: 'gsend', state: 'running' },
  ]);
});

test('list --all: a persistent source keeps a "shut off" definition after pre-copy', () => {
  assert.deepEqual(parseListAll(fixture('list-all-source-after-precopy-persistent.txt')), [
    { id: 7, name: 'grecv', state: 'running' },
    { id: null, name: 'gsend', state: 'shut off' },
  ]);
});

test('list --all: paused on both hosts right after the post-copy switch', () => {
  assert.deepEqual(parseListAll(fixture('list-all-during-postcopy-source.txt')), [{ id: 3, name: 'grecv', state: 'paused' }]);
  assert.deepEqual(parseListAll(fixture('list-all-during-postcopy-destination.txt')), [
    { id: 1, name: 'gsend', state: 'running' },
    { id: 2, name: 'grecv', state: 'paused' },
  ]);
});

test('list --all on hostB after the migrations', () => {
  assert.deepEqual(parseListAll(fixture('list-all-hostB-after-precopy.txt')), [{ id: 1, name: 'gsend', state: 'running' }]);
  assert.deepEqual(
    parseListAll(fixture('list-all-hostB-after-postcopy.txt')).map((d) => `${d.id} ${d.name} ${d.state}`),
    ['1 gsend running', '2 grecv running'],
  );
});

test('list --all: an empty host and a name with spaces', () => {
  assert.deepEqual(parseListAll(' Id   Name   State\n--------------------\n\n'), []);
  assert.deepEqual(parseListAll(' Id   Name   State\n--------------------\n 5    my vm 2   in shutdown\n'), [
    { id: 5, name: 'my vm 2', state: 'in shutdown' },
  ]);
});

test('list --all: an error instead of a table is refused', () => {
  assert.throws(() => parseListAll('error: failed to connect to the hypervisor\n'), VirshOutputError);
});

test('dominfo gsend: 192 MiB, 1 vCPU, transient', () => {
  assert.deepEqual(parseDominfo(fixture('dominfo.txt')), {
    name: 'gsend',
    state: 'running',
    vcpus: 1,
    maxMemoryKib: 196608,
    usedMemoryKib: 196608,
    persistent: false,
  });
});

test('domiflist: vnet names change across hosts, the MAC does not', () => {
  const onA = parseDomiflist(fixture('domiflist.txt'));
  const onB = parseDomiflist(fixture('domiflist-hostB-after-precopy.txt'));
  assert.deepEqual(onA, [{ name: 'vnet3', type: 'bridge', source: 'br0', model: 'virtio', mac: '52:54:00:00:00:11' }]);
  assert.equal(onB[0]?.name, 'vnet0');
  assert.equal(onB[0]?.mac, onA[0]?.mac);
  assert.deepEqual(parseDomiflist(fixture('domiflist-grecv.txt')).map((i) => [i.name, i.mac]), [['vnet2', '52:54:00:00:00:12']]);
});

test('domstats --interface --raw: per domain, per interface, guest view', () => {
  const stats = parseDomstatsInterfaces(fixture('domstats-interface-raw.txt'));
  assert.deepEqual(
    stats.map((d) => d.domain),
    ['grecv', 'gsend'],
  );
  assert.deepEqual(stats[1], {
    domain: 'gsend',
    interfaces: [{ index: 0, name: 'vnet3', rxBytes: 1745900, rxPackets: 26450, txBytes: 72278582, txPackets: 46553 }],
  });
  assert.equal(stats[0]?.interfaces[0]?.rxBytes, 72279308);
});

test('domstats samples 5.054 s apart: gsend sends and grecv receives ~1.73 MB/s', () => {
  const a = parseDomstatsInterfaces(fixture('domstats-interface-raw-sample1.txt'));
  const b = parseDomstatsInterfaces(fixture('domstats-interface-raw-sample2.txt'));
  const seconds = 1795585032.441 - 1795585027.386;
  const rate = (domain: string, dir: 'txBytes' | 'rxBytes'): number => {
    const at = (s: typeof a): number => s.find((d) => d.domain === domain)!.interfaces[0]![dir];
    return (at(b) - at(a)) / seconds;
  };
  assert.ok(Math.abs(rate('gsend', 'txBytes') - 1_733_000) < 2_000, `gsend tx ${rate('gsend', 'txBytes')}`);
  assert.ok(Math.abs(rate('grecv', 'rxBytes') - 1_733_000) < 2_000, `grecv rx ${rate('grecv', 'rxBytes')}`);
  assert.ok(Math.abs(rate('gsend', 'rxBytes') - 40_900) < 200, `gsend rx ${rate('gsend', 'rxBytes')}`);
  assert.ok(Math.abs(rate('grecv', 'txBytes') - 40_900) < 200, `grecv tx ${rate('grecv', 'txBytes')}`);
});

test('domstats after migrations: counters restart from 0 on the new host', () => {
  const hostBpre = parseDomstatsInterfaces(fixture('domstats-interface-raw-hostB-after-precopy.txt'));
  assert.deepEqual(hostBpre.map((d) => [d.domain, d.interfaces[0]?.name, d.interfaces[0]?.txBytes]), [['gsend', 'vnet0', 4423130]]);
  const hostA = parseDomstatsInterfaces(fixture('domstats-interface-raw-hostA-after-precopy.txt'));
  assert.deepEqual(hostA.map((d) => d.domain), ['grecv']);
  const hostBpost = parseDomstatsInterfaces(fixture('domstats-interface-raw-hostB-after-postcopy.txt'));
  assert.deepEqual(hostBpost.map((d) => [d.domain, d.interfaces[0]?.name, d.interfaces[0]?.rxBytes]), [
    ['gsend', 'vnet0', 3282626],
    ['grecv', 'vnet1', 4408342],
  ]);
});

test('domjobinfo --rawstats during pre-copy (source): job running, iteration 1', () => {
  const s = parseDomjobinfoRaw(fixture('domjobinfo-rawstats-during-precopy.txt'));
  assert.equal(s.jobType, 'unbounded');
  assert.equal(s.operation, 5);
  assert.equal(s.timeElapsedMs, 12040);
  assert.equal(s.memoryTotalBytes, 269230080);
  assert.equal(s.memoryRemainingBytes, 150581248);
  assert.equal(s.dataProcessedBytes, 99274659);
  assert.equal(s.memoryBytesPerS, 8413380);
  assert.equal(s.memoryIteration, 1);
  assert.equal(s.downtimeMs, 300);
});

test('domjobinfo --rawstats during post-copy still shows pre-switch numbers', () => {
  const s = parseDomjobinfoRaw(fixture('domjobinfo-rawstats-during-postcopy.txt'));
  assert.equal(s.jobType, 'unbounded');
  assert.equal(s.timeElapsedMs, 12200);
  assert.equal(s.dataProcessedBytes, 100115987);
  assert.equal(s.postcopyRequests, 0);
});

test('domjobinfo --completed --rawstats on the destination after pre-copy: final stats (operation 4)', () => {
  const s = parseDomjobinfoRaw(fixture('domjobinfo-rawstats-completed.txt'));
  assert.deepEqual(
    { jobType: s.jobType, operation: s.operation, time: s.timeElapsedMs, downtime: s.downtimeMs, data: s.dataProcessedBytes, iteration: s.memoryIteration },
    { jobType: 'completed', operation: 4, time: 4729, downtime: 172, data: 96156681, iteration: 3 },
  );
});

test('domjobinfo --completed --rawstats on a persistent source after pre-copy and after post-copy', () => {
  const pre = parseDomjobinfoRaw(fixture('domjobinfo-rawstats-completed-source-persistent.txt'));
  assert.deepEqual([pre.jobType, pre.operation, pre.timeElapsedMs, pre.downtimeMs, pre.dataProcessedBytes], ['completed', 5, 590, 134, 96238589]);
  const post = parseDomjobinfoRaw(fixture('domjobinfo-rawstats-completed-after-postcopy-source-persistent.txt'));
  assert.deepEqual([post.jobType, post.timeElapsedMs, post.downtimeMs, post.postcopyRequests, post.dataProcessedBytes], ['completed', 1460, 3, 55, 124395931]);
});

test('domjobinfo --rawstats on the destination after post-copy: "Job type: 0", no stats', () => {
  assert.deepEqual(parseDomjobinfoRaw(fixture('domjobinfo-rawstats-completed-after-postcopy-destination.txt')), { jobType: 'none' });
});

test('domjobinfo on a transient source that is gone: an error, not stats', () => {
  for (const name of [
    'domjobinfo-rawstats-completed-source-transient-error.txt',
    'domjobinfo-rawstats-completed-after-postcopy-source-transient-error.txt',
    'domjobinfo-completed-source-transient-error.txt',
  ]) {
    assert.throws(() => parseDomjobinfoRaw(fixture(name)), VirshOutputError, name);
    assert.match(virshErrorLines(fixture(name)), /^failed to get domain '(gsend|grecv)'$/);
  }
});

test('domjobinfo --rawstats series of a pre-copy: setup with zero memory, then the transfer', () => {
  const samples = series('domjobinfo-rawstats-precopy-gsend-series.txt').filter((s) => s.body.startsWith('Job type'));
  const parsed = samples.map((s) => parseDomjobinfoRaw(s.body));
  assert.equal(parsed[0]?.jobType, 'none');
  assert.equal(parsed[1]?.jobType, 'unbounded');
  assert.equal(parsed[1]?.memoryTotalBytes, 0, 'destination QEMU still starting');
  assert.ok(parsed.some((p) => (p.memoryTotalBytes ?? 0) > 0), 'the RAM transfer shows up later');
  const elapsed = parsed.filter((p) => p.timeElapsedMs !== undefined).map((p) => p.timeElapsedMs!);
  assert.deepEqual(elapsed, [...elapsed].sort((x, y) => x - y), 'time_elapsed grows');
});

test('domjobinfo --rawstats series of a bandwidth-capped post-copy run: ~8.4 MB/s, still iteration 1', () => {
  const parsed = series('domjobinfo-rawstats-postcopy-run-precopy-phase-series.txt')
    .filter((s) => s.body.startsWith('Job type'))
    .map((s) => parseDomjobinfoRaw(s.body))
    .filter((s) => s.jobType === 'unbounded');
  assert.ok(parsed.length >= 3);
  assert.deepEqual(parsed.slice(0, 3).map((p) => p.dataProcessedBytes), [4204685, 13459293, 21873185]);
  assert.equal(parsed.length, 11);
  for (const p of parsed) {
    assert.equal(p.memoryIteration, 1);
    assert.ok(p.memoryBytesPerS === 8413380 || p.memoryBytesPerS === 8330079, String(p.memoryBytesPerS));
  }
});

test('domjobinfo series after the switch: destination refuses, source vanishes, destination says 0', () => {
  const parts = series('domjobinfo-during-postcopy-series.txt');
  assert.match(parts[0]!.header, /source$/);
  assert.equal(parseDomjobinfoRaw(parts[0]!.body).memoryRemainingBytes, 149741568);
  assert.match(virshErrorLines(parts[1]!.body), /available only on the source host/);
  assert.equal(virshErrorLines(parts[2]!.body), "failed to get domain 'grecv'");
  assert.equal(parseDomjobinfoRaw(parts[3]!.body).jobType, 'none');
});

test('job-completed event after post-copy: the only final stats of a transient source', () => {
  const events = parseJobCompletedEvents(fixture('event-job-completed-postcopy-source.txt'));
  assert.equal(events.length, 1);
  const [e] = events;
  assert.equal(e?.domain, 'grecv');
  assert.equal(e?.timestamp, '2026-11-25 05:38:41.467+0000');
  assert.equal(e?.atMs, Date.UTC(2026, 10, 25, 5, 38, 41, 467));
  assert.deepEqual(
    [e?.stats.jobType, e?.stats.operation, e?.stats.timeElapsedMs, e?.stats.downtimeMs, e?.stats.postcopyRequests, e?.stats.dataProcessedBytes],
    ['completed', 5, 12303, 6, 7, 151927849],
  );
});

test('job-completed event after pre-copy, and none on the destination', () => {
  const [e] = parseJobCompletedEvents(fixture('event-job-completed-precopy.txt'));
  assert.deepEqual([e?.domain, e?.stats.timeElapsedMs, e?.stats.downtimeMs, e?.stats.dataProcessedBytes, e?.stats.memoryIteration], ['gsend', 4737, 172, 96156681, 3]);
  assert.deepEqual(parseJobCompletedEvents(fixture('event-job-completed-postcopy-destination.txt')), []);
});

test('job-completed events: two in one stream, a header without stats yet is left out', () => {
  const one = fixture('event-job-completed-precopy.txt');
  const two = fixture('event-job-completed-postcopy-source.txt');
  assert.deepEqual(parseJobCompletedEvents(one + two).map((e) => e.domain), ['gsend', 'grecv']);
  const header = two.split('\n')[0]!;
  assert.deepEqual(parseJobCompletedEvents(`${one}${header}\n`).map((e) => e.domain), ['gsend']);
});

// `virsh event --all --loop --timestamp` on both lab hosts during a post-copy of gsend
// (libvirt 9.0, captured 2026-11-25 in the lab; job-completed stats trimmed to two lines).
const eventsOnSource = `2026-11-25 13:51:42.800+0000: event 'migration-iteration' for domain 'gsend': iteration: '1'
2026-11-25 13:51:42.881+0000: event 'lifecycle' for domain 'gsend': Suspended Migrated
2026-11-25 13:51:42.884+0000: event 'lifecycle' for domain 'gsend': Suspended Post-copy
2026-11-25 13:51:42.884+0000: event 'migration-iteration' for domain 'gsend': iteration: '2'
2026-11-25 13:51:43.365+0000: event 'lifecycle' for domain 'gsend': Stopped Migrated
2026-11-25 13:51:43.365+0000: event 'job-completed' for domain 'gsend':
\toperation: 5
\tdowntime: 11
`;
const eventsOnDestination = `2026-11-25 13:51:42.772+0000: event 'lifecycle' for domain 'gsend': Started Migrated
2026-11-25 13:51:43.019+0000: event 'lifecycle' for domain 'gsend': Resumed Post-copy
2026-11-25 13:51:43.121+0000: event 'lifecycle' for domain 'gsend': Resumed Migrated
`;

test('all events of a domain: one line each, the post-copy switch is "Suspended Post-copy" on the source', () => {
  const events = parseDomainEventLines(eventsOnSource);
  assert.deepEqual(
    events.map((e) => [e.type, e.detail]),
    [
      ['migration-iteration', "iteration: '1'"],
      ['lifecycle', 'Suspended Migrated'],
      ['lifecycle', 'Suspended Post-copy'],
      ['migration-iteration', "iteration: '2'"],
      ['lifecycle', 'Stopped Migrated'],
      ['job-completed', ''],
    ],
  );
  const sw = postcopySwitchEvent(eventsOnSource, 'gsend');
  assert.equal(sw?.atMs, Date.UTC(2026, 10, 25, 13, 51, 42, 884));
  assert.equal(postcopySwitchEvent(eventsOnSource, 'grecv'), undefined);
  assert.equal(postcopySwitchEvent(eventsOnDestination, 'gsend'), undefined, 'the destination resumes, it is not suspended');
  assert.equal(postcopySwitchEvent(fixture('event-job-completed-precopy.txt'), 'gsend'), undefined);
  const [done] = parseJobCompletedEvents(eventsOnSource);
  assert.deepEqual([done?.domain, done?.stats.operation, done?.stats.downtimeMs], ['gsend', 5, 11]);
});

test('migrate --verbose progress: \\r-separated percentages', () => {
  assert.deepEqual(parseMigrateProgressPercents(fixture('migrate-verbose-stderr.txt')), [31, 100]);
  const post = parseMigrateProgressPercents(fixture('migrate-postcopy-verbose-stderr.txt'));
  assert.equal(post.length, 25);
  assert.deepEqual([post[0], post.at(-2), post.at(-1)], [1, 44, 100]);
  assert.equal(fixture('migrate-postcopy-cmd.txt').trim(), '', 'migrate-postcopy prints nothing on success');
});

test('migrate --verbose stderr of a post-copy cut by a link loss: the error after the last percentage, without a newline', () => {
  // Captured on the lab (test/lab/lab.sh cut-link 1 s after migrate-postcopy): libvirt's keepalive gave up.
  const stderr = readFileSync(new URL('../fixtures/migrate-postcopy-link-cut-stderr.txt', import.meta.url), 'utf8');
  assert.match(stderr, /%\]error: /, 'the captured form this test is about');
  assert.equal(virshErrorLines(stderr), 'internal error: connection closed due to keepalive timeout');
  assert.equal(parseMigrateProgressPercents(stderr).at(-1), 8);
});

test('domstats --dirtyrate (libvirt\'s documented format): measured rates in MiB/s, unstarted and measuring without one', () => {
  assert.deepEqual(parseDomstatsDirtyrate(fixture('domstats-dirtyrate-documented.txt')), [
    { domain: 'gsend', status: 'measured', mibPerS: 0, periodS: 1, mode: 'page-sampling' },
    { domain: 'grecv', status: 'measured', mibPerS: 17, periodS: 1, mode: 'page-sampling' },
    { domain: 'idle', status: 'unstarted' },
    { domain: 'busy', status: 'measuring', periodS: 1 },
  ]);
  assert.throws(() => parseDomstatsDirtyrate("Domain: 'x'\n  dirtyrate.megabytes_per_second=fast\n"), VirshOutputError);
  assert.throws(() => parseDomstatsDirtyrate('error: command domstats --dirtyrate not supported\n'), VirshOutputError);
});

test('domstats --dirtyrate captured on the lab (TCG): page-sampling and dirty-bitmap results, a domain never calculated', () => {
  assert.deepEqual(parseDomstatsDirtyrate(fixture('domstats-dirtyrate-page-sampling-grecv.txt')), [
    { domain: 'grecv', status: 'measured', mibPerS: 4, periodS: 1, mode: 'page-sampling' },
  ]);
  assert.deepEqual(parseDomstatsDirtyrate(fixture('domstats-dirtyrate-dirty-bitmap-grecv.txt')), [
    { domain: 'grecv', status: 'measured', mibPerS: 0, periodS: 1, mode: 'dirty-bitmap' },
  ]);
  const series = parseDomstatsDirtyrate(fixture('domstats-dirtyrate-list-running-series.txt'));
  assert.equal(series.length, 10);
  assert.deepEqual(series[1], { domain: 'gsend', status: 'unstarted', periodS: 0, mode: 'page-sampling' });
});
