// The machine a result came from, without anything that identifies it (no hostname, no paths).
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';

export function machineSummary(): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const memGib = (totalmem() / 1024 ** 3).toFixed(1);
  return `${availableParallelism()} CPUs (nproc), ${memGib} GiB memory, ${cpu}, ${osName()} (Linux ${release()}), node ${process.version}`;
}

function osName(): string {
  try {
    const line = readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith('PRETTY_NAME='));
    return line ? line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '') : 'unknown OS';
  } catch {
    return 'unknown OS';
  }
}
