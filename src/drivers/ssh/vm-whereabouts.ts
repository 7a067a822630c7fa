// Where a VM is, from `virsh list --all` on its source and destination (facts, no policy).
import type { VmWhereabouts } from '../driver.ts';
import type { ListedDomain } from './virsh-parse.ts';

/** A host's listing, or undefined when the host could not be asked. */
export type HostListing = ListedDomain[] | undefined;

function stateOn(listing: HostListing, vm: string): string | undefined | null {
  if (!listing) return null; // unknown
  return listing.find((d) => d.name === vm)?.state;
}

/** The migration finished: running on the destination and neither running nor paused on the source. */
export function isOnDestination(vm: string, source: HostListing, destination: HostListing): boolean {
  const s = stateOn(source, vm);
  return stateOn(destination, vm) === 'running' && s !== null && s !== 'running' && s !== 'paused';
}

/** Both hosts answered and neither lists the domain at all (not even shut off). */
export function isOnNeither(vm: string, source: HostListing, destination: HostListing): boolean {
  return stateOn(source, vm) === undefined && stateOn(destination, vm) === undefined;
}

/**
 * After a failed attempt. Right after a post-copy switch the domain is paused on BOTH hosts
 * (test/lab/README.md); if the source stays paused after a failure only `migrate --postcopy-resume` can
 * recover it.
 */
export function locateVm(vm: string, source: HostListing, destination: HostListing, switchedToPostcopy: boolean): VmWhereabouts {
  if (isOnDestination(vm, source, destination)) return 'destination';
  const s = stateOn(source, vm);
  const d = stateOn(destination, vm);
  if (switchedToPostcopy) {
    // A source still paused after its migration ended holds pages the destination lacks, even
    // while the destination says "running (post-copy failed)" (seen on the lab, libvirt 9.0).
    if (s === 'paused' || d === 'paused') return 'paused-in-postcopy';
    return d === 'running' ? 'destination' : 'unknown';
  }
  const destinationActive = d === 'running' || d === 'paused';
  if ((s === 'running' || s === 'paused') && !destinationActive) return 'source';
  return 'unknown';
}
