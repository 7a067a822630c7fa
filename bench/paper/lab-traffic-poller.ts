// Polls `virsh domstats --interface` and the host link's counters on one lab host every half second
// over a single ssh session, so guest traffic and link use per direction can be measured across a
// whole tsmig run (wherever the guests are).
import { spawn } from 'node:child_process';
import { parseDomstatsTotals, parseNicCounters, type HostPoll } from './lab-traffic-window.ts';
import { VirshOutputError } from '../../src/drivers/ssh/virsh-parse.ts';

const POLL_INTERVAL_S = 0.5;
/** The remote loop ends by itself after this long, should the ssh session outlive us. */
const MAX_POLLS = 3600;
const MARK = '@@poll ';
/** The lab host's link (test/lab/README.md: its own sysfs shows its own eth0). */
const NIC = '/sys/class/net/eth0/statistics';
const LOOP =
  `i=0; while [ "$i" -lt ${MAX_POLLS} ]; do printf '${MARK}%s\\n' "$(date +%s%N)" || exit; ` +
  `printf 'nic.tx.bytes=%s\\nnic.rx.bytes=%s\\n' "$(cat ${NIC}/tx_bytes)" "$(cat ${NIC}/rx_bytes)"; ` +
  `virsh -c qemu:///system domstats --interface --raw 2>/dev/null || exit; i=$((i + 1)); sleep ${POLL_INTERVAL_S}; done`;

export interface LabPoller {
  polls: HostPoll[];
  stop(): Promise<void>;
}

export function startLabPoller(host: string, sshConfigFile: string): LabPoller {
  const polls: HostPoll[] = [];
  const child = spawn('ssh', ['-F', sshConfigFile, host, LOOP], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buffer = '';
  child.stdout.setEncoding('utf8');
  // A block is complete once the next marker has arrived; the unfinished last one is dropped at stop.
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const blocks = buffer.split(MARK);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const newline = block.indexOf('\n');
      if (newline < 0) continue;
      const atMs = Number(block.slice(0, newline)) / 1e6;
      const body = block.slice(newline + 1);
      if (!Number.isFinite(atMs)) continue;
      try {
        polls.push({ host, atMs, guests: parseDomstatsTotals(body), nic: parseNicCounters(body) });
      } catch (error) {
        // A guest caught mid-migration can list an interface without its counters: that poll is
        // lost, the next one (0.5 s later) counts. Anything else is a real fault.
        if (!(error instanceof VirshOutputError)) throw error;
      }
    }
    if (blocks.length > 0) buffer = MARK + buffer;
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    polls,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
