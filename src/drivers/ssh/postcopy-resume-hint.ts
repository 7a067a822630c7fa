// The one recovery hint for a post-copy paused between two hosts: the exact
// `virsh migrate --postcopy-resume` an operator runs on the source, from the hosts' real URIs.
import type { InventoryHost } from '../../playbook/types.ts';
import { commandLine } from './shell-quote.ts';
import { migrationDestinationUri, virshMigratePostcopyResume, type MigrateOptions } from './virsh-argv.ts';

export function postcopyResumeHint(
  source: Pick<InventoryHost, 'name' | 'libvirtUri'>,
  destination: Pick<InventoryHost, 'migrationAddress' | 'libvirtUri'>,
  options: MigrateOptions,
): string {
  const destinationUri = migrationDestinationUri(destination.migrationAddress, destination.libvirtUri);
  return `run on ${source.name}: ${commandLine(virshMigratePostcopyResume(source.libvirtUri, destinationUri, options))}`;
}
