#!/usr/bin/env node
/* global process, setTimeout */
// A stand-in `virsh` for the ssh driver's unit tests, put first on PATH by the test SSH server.
// It prints the formats of libvirt 9.0 (as in test/fixtures/virsh) from a tiny shared state:
//   $FAKE_VIRSH_DIR/<host>/<domain>.json   a domain on that host ($FAKE_VIRSH_HOST = this host)
//   $FAKE_VIRSH_DIR/<host>/events.log      job-completed events emitted on that host
//   $FAKE_VIRSH_DIR/<host>/down            libvirtd "stopped": every call fails
//   $FAKE_VIRSH_DIR/<host>/crash-on-arrival  an incoming VM dies as its migration completes
//   $FAKE_VIRSH_DIR/<host>/qemu/<domain>.log  its QEMU log (the fake `tail` reads it there)
//   $FAKE_VIRSH_DIR/<host>/finish-before-resume  a paused post-copy to this host completes by
//                                  itself just as `migrate --postcopy-resume` is called
//   $FAKE_VIRSH_DIR/<host>/stall   a post-copy to this host stops moving after its switch (a link
//                                  dropping packets) until `domjobabort --postcopy` pauses it
//   $FAKE_VIRSH_DIR/<host>/unanswered  virsh migrate to this host blocks before any job exists
//                                  (a link cut while virsh connects to it) until it is killed
// Migration: FAKE_MIGRATE_MS long, counters restart on the new host, transient domains vanish
// from the source; post-copy switches when migrate-postcopy is called.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.FAKE_VIRSH_DIR;
const host = process.env.FAKE_VIRSH_HOST;
const migrateMs = Number(process.env.FAKE_MIGRATE_MS ?? '1500');
const args = process.argv.slice(2);
if (args[0] === '-c') args.splice(0, 2);
const [command, ...rest] = args;
const dir = (h) => join(root, h);
const domFile = (h, d) => join(dir(h), `${d}.json`);
const jobFile = (h, d) => join(dir(h), `${d}.job`);
// Several fake virsh processes share these files at once: write whole files by rename, and
// treat a file removed between the check and the read as absent.
const read = (f) => JSON.parse(readFileSync(f, 'utf8'));
const tryRead = (f) => {
  try {
    return read(f);
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
};
const write = (f, v) => {
  const tmp = `${f}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(v));
  renameSync(tmp, f);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const die = (message) => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
};
const domains = (h) =>
  existsSync(dir(h))
    ? readdirSync(dir(h))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => tryRead(join(dir(h), f)))
        .filter(Boolean)
    : [];
const domain = (d) => tryRead(domFile(host, d)) ?? die(`failed to get domain '${d}'`);
const counters = (d) => {
  const s = (Date.now() - d.bootMs) / 1000;
  return { tx: Math.round(d.txBps * s), rx: Math.round(d.rxBps * s) };
};
const stamp = () => `${new Date().toISOString().replace('T', ' ').replace('Z', '')}+0000`;
const positional = rest.filter((a) => !a.startsWith('--'));

if (existsSync(join(dir(host), 'down'))) die('failed to connect to the hypervisor');

switch (command) {
  case 'list': {
    if (rest.includes('--name')) {
      for (const d of domains(host)) if (d.state === 'running') process.stdout.write(`${d.name}\n`);
      process.stdout.write('\n');
      break;
    }
    let out = ' Id   Name    State\n-----------------------\n';
    domains(host).forEach((d, i) => (out += ` ${d.state === 'shut off' ? '-' : i + 1}    ${d.name}   ${d.state}\n`));
    process.stdout.write(`${out}\n`);
    break;
  }
  case 'dominfo': {
    const d = domain(positional[0]);
    process.stdout.write(
      `Id:             1\nName:           ${d.name}\nUUID:           e610620b-02b8-479b-8c6f-9adfb3035e22\nOS Type:        hvm\n` +
        `State:          ${d.state}\nCPU(s):         ${d.vcpus}\nCPU time:       11.0s\nMax memory:     ${d.memoryKib} KiB\n` +
        `Used memory:    ${d.memoryKib} KiB\nPersistent:     ${d.persistent ? 'yes' : 'no'}\nAutostart:      disable\n\n`,
    );
    break;
  }
  case 'domstate': {
    const d = domain(positional[0]);
    const job = tryRead(jobFile(host, positional[0]));
    const reason = d.postcopyFailed ? 'post-copy failed' : d.state === 'paused' && job?.switched ? 'post-copy' : d.state === 'paused' ? 'migration' : 'booted';
    process.stdout.write(`${d.state} (${reason})\n\n`);
    break;
  }
  case 'domiflist': {
    const d = domain(positional[0]);
    process.stdout.write(
      ` Interface   Type     Source   Model    MAC\n-----------------------------------------------------------\n` +
        ` ${d.vnet}       bridge   br0      virtio   ${d.mac}\n\n`,
    );
    break;
  }
  case 'domdirtyrate-calc': {
    const d = domain(positional[0]);
    const seconds = Number(rest[rest.indexOf('--seconds') + 1] ?? '1');
    write(join(dir(host), `${d.name}.dirtycalc`), { startMs: Date.now(), seconds });
    break;
  }
  case 'domstats': {
    let out = '';
    if (rest.includes('--dirtyrate')) {
      // libvirt's format; a domain's `dirtyMibPerS` (default 0) is what QEMU would measure.
      for (const d of domains(host).filter((x) => x.state === 'running')) {
        const calc = tryRead(join(dir(host), `${d.name}.dirtycalc`));
        const status = !calc ? 0 : Date.now() >= calc.startMs + calc.seconds * 1000 ? 2 : 1;
        out += `Domain: '${d.name}'\n  dirtyrate.calc_status=${status}\n`;
        if (calc) out += `  dirtyrate.calc_start_time=${Math.floor(calc.startMs / 1000)}\n  dirtyrate.calc_period=${calc.seconds}\n`;
        if (status === 2) out += `  dirtyrate.megabytes_per_second=${Math.round(d.dirtyMibPerS ?? 0)}\n  dirtyrate.calc_mode=page-sampling\n`;
        out += '\n';
      }
      process.stdout.write(out);
      break;
    }
    for (const d of domains(host).filter((x) => x.state === 'running')) {
      const c = counters(d);
      out +=
        `Domain: '${d.name}'\n  net.count=1\n  net.0.name=${d.vnet}\n  net.0.rx.bytes=${c.rx}\n  net.0.rx.pkts=10\n  net.0.rx.errs=0\n` +
        `  net.0.rx.drop=0\n  net.0.tx.bytes=${c.tx}\n  net.0.tx.pkts=10\n  net.0.tx.errs=0\n  net.0.tx.drop=0\n\n`;
    }
    process.stdout.write(out);
    break;
  }
  case 'domjobinfo': {
    const name = positional[0];
    const d = domain(name);
    if (rest.includes('--completed')) {
      if (!d.completed) {
        process.stdout.write('Job type: 0\n\n\n');
        break;
      }
      process.stdout.write(`Job type: 3\n\n${d.completed}`);
      if (!rest.includes('--keep-completed')) write(domFile(host, name), { ...d, completed: undefined });
      break;
    }
    const job = tryRead(jobFile(host, name));
    if (!job) {
      if (d.incoming) die('Operation not supported: migration statistics are available only on the source host');
      process.stdout.write('Job type: 0\n\n\n');
      break;
    }
    const total = d.memoryKib * 1024;
    const elapsed = Date.now() - job.startedMs;
    const processed = Math.min(total, Math.round((total * elapsed) / migrateMs));
    process.stdout.write(
      `Job type: 2\n\noperation: 5\ntime_elapsed: ${elapsed}\ndowntime: 300\nsetup_time: 1\ndata_total: ${total}\n` +
        `data_processed: ${processed}\ndata_remaining: ${total - processed}\nmemory_total: ${total}\nmemory_processed: ${processed}\n` +
        `memory_remaining: ${total - processed}\nmemory_bps: 8413380\nmemory_dirty_rate: 0\nmemory_iteration: ${elapsed < migrateMs / 3 ? 1 : 2}\n` +
        `memory_postcopy_requests: 0\nmemory_page_size: 4096\ndisk_total: 0\ndisk_processed: 0\ndisk_remaining: 0\n\n`,
    );
    break;
  }
  case 'migrate': {
    // Options with values come first; the domain and the destination URI are the last two words.
    const name = rest.at(-2);
    const to = /^qemu\+ssh:\/\/([^/]+)\//.exec(rest.at(-1) ?? '')?.[1];
    const d = domain(name);
    if (!to || !existsSync(dir(to))) die(`unable to connect to server at '${to}:22': No route to host`);
    if (existsSync(join(dir(to), 'unanswered'))) for (;;) await sleep(1000);
    const postcopy = rest.includes('--postcopy');
    const resume = rest.includes('--postcopy-resume');
    if (resume && existsSync(join(dir(to), 'finish-before-resume'))) {
      // The paused stream finished by itself just before this call (seen on the lab): the source
      // domain is gone by the time virsh looks it up.
      write(domFile(to, name), { ...tryRead(domFile(to, name)), state: 'running', postcopyFailed: false, incoming: false });
      rmSync(domFile(host, name));
      rmSync(jobFile(host, name), { force: true });
      die(`failed to get domain '${name}'`);
    }
    if (resume && !d.postcopyFailed) die(`Requested operation is not valid: resuming failed post-copy migration requires post-copy migration to be running`);
    if (resume && existsSync(join(dir(to), 'stall'))) die('Requested operation is not valid: QEMU reports migration is still running');
    const startedMs = Date.now();
    write(jobFile(host, name), { startedMs, postcopy, args: rest, switched: resume });
    if (resume) write(domFile(to, name), { ...tryRead(domFile(to, name)), postcopyFailed: false });
    let switched = resume;
    let switchedAt = resume ? startedMs : 0;
    const finishAt = startedMs + migrateMs;
    // Pre-copy held at 1 MiB/s (tsmig's wait for a post-copy switch) cannot finish: like the
    // real thing, the migration then ends only after the switch (or after 20 s). grecv dirties
    // memory (as on the lab), so its post-copy-enabled migration never converges in pre-copy:
    // it too waits for the switch, however slowly a loaded machine lets tsmig ask for it.
    const held = (job) =>
      !switched &&
      ((postcopy && (name === 'grecv' || rest[rest.indexOf('--bandwidth') + 1] === '1')) || job.speeds?.at(-1) === 1) &&
      Date.now() < startedMs + 20_000;
    for (;;) {
      await sleep(50);
      const job = read(jobFile(host, name));
      // After a switch the post-copy phase lasts a little (the lifecycle event comes well before the end).
      const stalled = switched && existsSync(join(dir(to), 'stall'));
      if (Date.now() >= Math.max(finishAt, switchedAt + 800) && !held(job) && !stalled) break;
      if (job.pausePostcopy) {
        rmSync(jobFile(host, name));
        write(domFile(host, name), { ...d, state: 'paused', postcopyFailed: true });
        write(domFile(to, name), { ...d, state: 'running', incoming: true, postcopyFailed: true });
        die(`operation failed: job 'migration out' failed in post-copy phase`);
      }
      if (job.aborted && !job.switched) {
        rmSync(jobFile(host, name));
        die('operation aborted: migration out job: canceled by client');
      }
      if (existsSync(join(dir(to), 'down'))) {
        rmSync(jobFile(host, name));
        if (job.switched) {
          write(domFile(host, name), { ...d, state: 'paused' });
          write(domFile(to, name), { ...d, state: 'paused', incoming: true });
        }
        die('Unable to read from monitor: Connection reset by peer');
      }
      if (job.switched && !switched) {
        switched = true;
        switchedAt = Date.now();
        appendFileSync(join(dir(host), 'events.log'), `${stamp()}: event 'lifecycle' for domain '${name}': Suspended Post-copy\n`);
        write(domFile(host, name), { ...d, state: 'paused' });
        write(domFile(to, name), { ...d, state: 'paused', incoming: true });
      }
    }
    const job = read(jobFile(host, name));
    const total = d.memoryKib * 1024;
    const stats = (operation) =>
      `operation: ${operation}\ntime_elapsed: ${migrateMs}\ntime_elapsed_net: ${migrateMs}\ndowntime: ${switched ? 6 : 172}\n` +
      `downtime_net: 5\nsetup_time: 1\ndata_total: ${total}\ndata_processed: ${Math.round(total / 2)}\ndata_remaining: 0\n` +
      `memory_total: ${total}\nmemory_processed: ${Math.round(total / 2)}\nmemory_remaining: 0\nmemory_bps: 342769633\n` +
      `memory_iteration: ${switched ? 2 : 3}\nmemory_postcopy_requests: ${switched ? 7 : 0}\nmemory_page_size: 4096\n`;
    const arrived = { ...d, state: 'running', postcopyFailed: false, vnet: `vnet${Math.floor(Math.random() * 9)}`, bootMs: Date.now(), incoming: false };
    arrived.completed = switched ? undefined : stats(4);
    arrived.maxDowntimeMs = job.maxDowntimeMs;
    arrived.migrateArgs = job.args;
    arrived.speeds = job.speeds;
    mkdirSync(dir(to), { recursive: true });
    // The guest dies as it arrives (as a corrupted guest does): the destination has no domain,
    // and its QEMU log (read by the fake `tail`) says how it ended, as libvirt 9.0 writes it.
    if (existsSync(join(dir(to), 'crash-on-arrival'))) {
      mkdirSync(join(dir(to), 'qemu'), { recursive: true });
      const at = new Date().toISOString().replace('T', ' ').replace('Z', '+0000');
      appendFileSync(
        join(dir(to), 'qemu', `${name}.log`),
        `${at}: starting up libvirt version: 9.0.0, qemu version: 7.2.22, hostname: ${to}\nLC_ALL=C \\\n/usr/bin/qemu-system-x86_64 \\\n` +
          `-name guest=${name},debug-threads=on \\\n-incoming defer\n${at}: Domain id=1 is tainted: high-privileges\n` +
          `char device redirected to /dev/pts/2 (label charserial0)\n${at}: shutting down, reason=shutdown\n`,
      );
    } else {
      write(join(dir(to), `${name}.tmp`), arrived);
      renameSync(join(dir(to), `${name}.tmp`), domFile(to, name));
    }
    rmSync(jobFile(host, name));
    if (d.persistent) write(domFile(host, name), { ...d, state: 'shut off', postcopyFailed: false, completed: stats(5) });
    else rmSync(domFile(host, name));
    const indented = stats(5)
      .split('\n')
      .filter(Boolean)
      .map((l) => `\t${l}\n`)
      .join('');
    appendFileSync(join(dir(host), 'events.log'), `${stamp()}: event 'job-completed' for domain '${name}':\n${indented}`);
    process.stderr.write('\rMigration: [ 31 %]\rMigration: [100 %]\n');
    break;
  }
  case 'migrate-postcopy':
  case 'migrate-setspeed':
  case 'domjobabort':
  case 'migrate-setmaxdowntime': {
    const name = positional[0];
    domain(name);
    const job = tryRead(jobFile(host, name)) ?? die('Requested operation is not valid: no job is active on the domain');
    if (command === 'migrate-postcopy') {
      if (!job.postcopy) die('Requested operation is not valid: switching to post-copy requires migration to be started with VIR_MIGRATE_POSTCOPY flag');
      job.switched = true;
    } else if (command === 'domjobabort' && rest.includes('--postcopy')) {
      if (!job.switched) die('Requested operation is not valid: current job is not outgoing migration in post-copy mode');
      job.pausePostcopy = true;
    } else if (command === 'domjobabort') {
      job.aborted = true;
    } else if (command === 'migrate-setspeed') {
      job.speeds = [...(job.speeds ?? []), Number(positional[1])];
    } else {
      job.maxDowntimeMs = Number(positional[1]);
    }
    write(jobFile(host, name), job);
    break;
  }
  case 'event': {
    const name = rest[rest.indexOf('--domain') + 1];
    const log = join(dir(host), 'events.log');
    let seen = existsSync(log) ? readFileSync(log, 'utf8').length : 0;
    for (;;) {
      await sleep(50);
      if (!existsSync(log)) continue;
      const text = readFileSync(log, 'utf8');
      const fresh = text.slice(seen);
      seen = text.length;
      for (const block of fresh.split(/(?=^\d{4}-)/m)) if (block.includes(`for domain '${name}'`)) process.stdout.write(block);
    }
  }
  default:
    die(`unknown command '${command}'`);
}
