// Playbook migrations + what runs where now → the concrete VM moves to plan. Pure.
import { formatPosition, PlaybookError } from '../errors.ts';
import type { VmInfo } from '../drivers/driver.ts';
import type { MoveRequest } from '../planner/types.ts';
import type { Playbook } from '../playbook/types.ts';
import { compilePattern, splitPatterns } from '../util/glob.ts';

export interface ResolvedMoves {
  moves: MoveRequest[];
  /** Listed VMs that already run on a destination: nothing to do (a rerun finishing a runbook). */
  alreadyInPlace: Array<{ vm: string; from: string; host: string }>;
  /** Moves left out by --limit. */
  excluded: MoveRequest[];
  /** --limit patterns that match no VM and no host of any move (Ansible warns about these). */
  unmatchedPatterns: string[];
}

/** The VM's state on that host as listed, or undefined when the host does not list it. */
export function vmStateOn(vmsByHost: ReadonlyMap<string, VmInfo[]>, host: string, vm: string): VmInfo['state'] | undefined {
  return vmsByHost.get(host)?.find((v) => v.name === vm)?.state;
}

/** VM name → hosts where it is running or paused. */
export function locateVms(vmsByHost: ReadonlyMap<string, VmInfo[]>): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const [host, vms] of vmsByHost) {
    for (const vm of vms) {
      if (vm.state !== 'running' && vm.state !== 'paused') continue;
      where.set(vm.name, [...(where.get(vm.name) ?? []), host]);
    }
  }
  return where;
}

/** The driver's hint for resuming a post-copy paused between from and to, when it has one. */
export type PostcopyResumeHint = (vm: string, from: string, to: string) => string | undefined;

export function resolveMoves(playbook: Playbook, vmsByHost: ReadonlyMap<string, VmInfo[]>, limit?: string, resumeHint: PostcopyResumeHint = () => undefined): ResolvedMoves {
  const where = locateVms(vmsByHost);
  const drained = new Set(playbook.migrations.map((m) => m.from));
  const allHosts = playbook.inventory.hosts.map((h) => h.name);
  const moves: MoveRequest[] = [];
  const alreadyInPlace: ResolvedMoves['alreadyInPlace'] = [];
  const problems: Array<{ position: Playbook['migrations'][number]['position']; message: string }> = [];

  for (const m of playbook.migrations) {
    const to = m.to === 'any' ? allHosts.filter((h) => !drained.has(h)) : m.to;
    if (to.length === 0) problems.push({ position: m.position, message: 'to: any leaves no destination: every host is being drained' });
    const onSource = (vmsByHost.get(m.from) ?? []).filter((vm) => vm.state === 'running' || vm.state === 'paused').map((vm) => vm.name);
    const names = m.vms === 'all' ? onSource : m.vms;
    for (const vm of names) {
      const hosts = where.get(vm) ?? [];
      if (hosts.length > 1) {
        problems.push({ position: m.position, message: splitVmMessage(vm, m.from, hosts, vmsByHost, resumeHint) });
      } else if (hosts[0] === m.from) {
        moves.push({ vm, from: m.from, to, pinnedMode: m.mode, postcopyAllowed: m.postcopy !== 'deny', origin: formatPosition(m.position) });
      } else if (hosts[0] !== undefined && to.includes(hosts[0])) {
        alreadyInPlace.push({ vm, from: m.from, host: hosts[0] });
      } else if (hosts[0] !== undefined) {
        problems.push({ position: m.position, message: `VM ${vm} runs on ${hosts[0]}, not on ${m.from}` });
      } else {
        problems.push({ position: m.position, message: `unknown VM ${JSON.stringify(vm)}: not running on ${m.from} (nor on a destination)` });
      }
    }
  }
  if (problems.length > 0) throw new PlaybookError(problems);
  if (limit === undefined) return { moves, alreadyInPlace, excluded: [], unmatchedPatterns: [] };
  const patterns = splitPatterns(limit).map((pattern) => ({ pattern, matches: compilePattern(pattern) }));
  const matches = (name: string): boolean => patterns.some((p) => p.matches(name));
  const names = new Set([...moves.flatMap((m) => [m.vm, m.from, ...m.to]), ...alreadyInPlace.flatMap((a) => [a.vm, a.from, a.host])]);
  const inLimit = (m: MoveRequest): boolean => matches(m.vm) || matches(m.from) || m.to.some(matches);
  return {
    moves: moves.filter(inLimit),
    alreadyInPlace: alreadyInPlace.filter((a) => matches(a.vm) || matches(a.from) || matches(a.host)),
    excluded: moves.filter((m) => !inLimit(m)),
    unmatchedPatterns: patterns.filter((p) => ![...names].some(p.matches)).map((p) => p.pattern),
  };
}

/** A VM active on two hosts after the wait for migrations in flight: say what it looks like and what to do. */
function splitVmMessage(vm: string, from: string, hosts: string[], vmsByHost: ReadonlyMap<string, VmInfo[]>, resumeHint: PostcopyResumeHint): string {
  const state = (h: string): string | undefined => vmStateOn(vmsByHost, h, vm);
  const other = hosts.find((h) => h !== from);
  if (hosts.length === 2 && other !== undefined && state(from) === 'paused' && state(other) === 'running') {
    return (
      `VM ${vm} is paused on ${from} and running on ${other}: a post-copy migration that did not finish (neither host has all of it); ` +
      hintOr(resumeHint(vm, from, other), `resume it from ${from}`)
    );
  }
  return `VM ${vm} is running on ${hosts.map((h) => `${h} (${state(h) ?? 'unknown'})`).join(' and ')}; resolve that by hand before migrating it`;
}

function hintOr(hint: string | undefined, fallback: string): string {
  return hint === undefined ? fallback : `to resume it, ${hint}`;
}
