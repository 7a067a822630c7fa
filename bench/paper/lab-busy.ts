// The lab is one shared machine: refuse to reset guests or shape the link while the lab tests
// (or anything else driving test/lab) run. Reads /proc only; never touches those processes.
import { readdirSync, readFileSync } from 'node:fs';

const LAB_USERS = ['run-lab-tests.sh', 'test/lab/'];

export function otherLabUsers(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    // lab.sh itself is ours to call (shape, reset-guests); only its other drivers count.
    if (LAB_USERS.some((u) => cmdline.includes(u)) && !/test\/lab\/lab\.sh (shape|unshape|reset-guests|status|exec)/.test(cmdline)) found.push(`${pid} ${cmdline.slice(0, 100)}`);
  }
  return found;
}
