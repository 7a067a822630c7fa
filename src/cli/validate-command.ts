// tsmig validate FILE: YAML, schema and meaning; no host is touched.
import { ExitCode } from '../errors.ts';
import { loadPlaybook } from '../playbook/load-playbook.ts';
import { plural } from '../util/plural.ts';
import { showControlChars } from '../report/show-control-chars.ts';

export function validateCommand(file: string, opts: { inventory?: string; extraVars?: string[] }): number {
  const playbook = loadPlaybook(file, { inventoryFile: opts.inventory, overrides: opts.extraVars });
  const vms = playbook.inventory.hosts.reduce((n, h) => n + h.simVms.length, 0);
  process.stdout.write(
    showControlChars(
      `${file}: OK — "${playbook.name}", ${plural(playbook.inventory.hosts.length, 'host')} (${playbook.inventory.driver})` +
        `${playbook.inventory.driver === 'sim' ? `, ${plural(vms, 'VM')}` : ''}, ${plural(playbook.migrations.length, 'migration rule')}\n`,
    ),
  );
  return ExitCode.ok;
}
