// One remote process samples a host's counters for a whole window: a fixed sh script, its inputs
// passed as positional arguments (quoted like any argv), printing marked sections per tick.
// One SSH exec per host per window instead of one round-trip per VM per tick.

/**
 * Output, in order:
 *   @@domiflist NAME      + `virsh domiflist NAME` (once, every running domain: vnet → MAC)
 *   @@tick SECONDS.NANOS  (remote `date +%s.%N`, taken before the reads of that tick)
 *   @@domstats            + `virsh domstats --interface --list-running --raw`
 *   @@error domstats RC   when virsh failed (its stderr goes to the channel's stderr)
 *   @@nic-ip              + `ip -s -j link show dev NIC` (works inside a netns without sysfs)
 *   @@nic-sysfs TX RX     fallback from /sys/class/net/NIC/statistics
 *   @@end
 * Ticks are paced on absolute deadlines so the window's wall time is count × interval, not
 * count × (interval + virsh time).
 */
export const counterSamplerScript = `
uri=$1 nic=$2 interval_ns=$3 count=$4
virsh -c "$uri" list --name | while IFS= read -r dom; do
  [ -n "$dom" ] || continue
  printf '@@domiflist %s\\n' "$dom"
  virsh -c "$uri" domiflist "$dom"
done
i=0
next=$(date +%s%N)
while [ "$i" -lt "$count" ]; do
  printf '@@tick %s\\n' "$(date +%s.%N)"
  printf '@@domstats\\n'
  virsh -c "$uri" domstats --interface --list-running --raw || printf '@@error domstats %s\\n' "$?"
  if [ -n "$nic" ]; then
    if out=$(ip -s -j link show dev "$nic" 2>/dev/null); then
      printf '@@nic-ip\\n%s\\n' "$out"
    else
      printf '@@nic-sysfs %s %s\\n' "$(cat "/sys/class/net/$nic/statistics/tx_bytes")" "$(cat "/sys/class/net/$nic/statistics/rx_bytes")"
    fi
  fi
  printf '@@end\\n'
  i=$((i + 1))
  [ "$i" -lt "$count" ] || break
  next=$((next + interval_ns))
  wait_ns=$((next - $(date +%s%N)))
  if [ "$wait_ns" -gt 0 ]; then
    sleep "$((wait_ns / 1000000000)).$(printf '%09d' $((wait_ns % 1000000000)))"
  fi
done
`;

export interface CounterSamplerOptions {
  libvirtUri: string;
  /** Host NIC; empty = no NIC counters. */
  nic: string;
  intervalMs: number;
  /** Readings to take: one at the start, then one per interval until the window ends. */
  readings: number;
}

/** Readings for a window: one at t=0 and one per whole interval after it. */
export function readingsInWindow(durationMs: number, intervalMs: number): number {
  if (!(intervalMs > 0)) throw new Error(`sampling interval must be > 0 ms, got ${intervalMs}`);
  return Math.max(1, Math.round(durationMs / intervalMs)) + 1;
}

/** argv for the sampler: `sh -c SCRIPT sh URI NIC INTERVAL_NS COUNT` (every element quoted later). */
export function counterSamplerArgv(options: CounterSamplerOptions): string[] {
  const intervalNs = Math.round(options.intervalMs * 1e6);
  return ['sh', '-c', counterSamplerScript, 'sh', options.libvirtUri, options.nic, String(intervalNs), String(options.readings)];
}
