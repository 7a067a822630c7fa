// playbook file → validated, normalised Playbook. Every problem found names FILE:LINE:COL.
import { dirname, resolve } from 'node:path';
import { PlaybookError } from '../errors.ts';
import { loadYamlFile } from './load-yaml.ts';
import { inventorySchema, playbookSchema, type RawInventory, type RawPlaybook } from './playbook-schema.ts';
import { validateAgainstSchema } from './validate-schema.ts';
import { normalizeInventory } from './normalize-inventory.ts';
import { normalizePlaybook } from './normalize-playbook.ts';
import { checkPlaybookMeaning, type Located } from './semantic-check.ts';
import type { Playbook } from './types.ts';
import { applyOverrides } from './apply-overrides.ts';
import { fromAnsibleInventory, isAnsibleInventory } from './ansible-inventory.ts';
import { checkInventoryDurations, checkPlaybookDurations, DURATION_BOUNDS, MAX_SAMPLES_PER_WINDOW } from './duration-bounds.ts';

export interface PlaybookLoadOptions {
  /** `-i FILE`: an inventory that replaces the playbook's own. */
  inventoryFile?: string;
  /** `-e key.path=value` overrides. */
  overrides?: string[];
}

export function loadPlaybook(file: string, options: PlaybookLoadOptions = {}): Playbook {
  const { data, sourceMap } = loadYamlFile(file, 'playbook');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PlaybookError([{ position: sourceMap.positionOf(''), message: 'a playbook is a YAML mapping (name:, inventory:, migrations:, …)' }]);
  }
  if (options.overrides?.length) {
    for (const { pointer, option } of applyOverrides(data as Record<string, unknown>, options.overrides)) sourceMap.blame(pointer, option);
  }
  validateAgainstSchema(playbookSchema, data, sourceMap);
  const raw = data as RawPlaybook;

  const { inventory: rawInventory, located } = resolveInventory(raw, file, sourceMap, options);
  const inventory = normalizeInventory(rawInventory);
  const problems = [
    ...checkPlaybookDurations(raw, sourceMap),
    ...checkInventoryDurations(rawInventory, located.sourceMap, located.pointer),
    ...checkPlaybookMeaning(raw, sourceMap, inventory, located),
  ];
  const playbook = normalizePlaybook(raw, file, inventory, sourceMap);
  const { intervalMs, durationMs } = playbook.sampling;
  if (intervalMs <= 0 || intervalMs > durationMs) {
    problems.push({ position: sourceMap.positionOf('/sampling'), message: 'sampling.interval must be above 0 and at most sampling.duration' });
  } else if (intervalMs >= DURATION_BOUNDS['sampling.interval'].minMs && durationMs / intervalMs > MAX_SAMPLES_PER_WINDOW) {
    problems.push({ position: sourceMap.positionOf('/sampling/interval'), message: `sampling.duration / sampling.interval is ${Math.round(durationMs / intervalMs)} samples; the limit is ${MAX_SAMPLES_PER_WINDOW} (a longer interval)` });
  }
  const bandwidth = playbook.constraints.bandwidthMbps;
  if (bandwidth > 0 && bandwidth < 1) {
    problems.push({ position: sourceMap.positionOf('/constraints/bandwidth_mbps'), message: `bandwidth_mbps ${bandwidth} would make every migration endless: 0 for unlimited, or at least 1` });
  }
  if (problems.length > 0) throw new PlaybookError(problems);
  return playbook;
}

function resolveInventory(
  raw: RawPlaybook,
  file: string,
  playbookMap: Located['sourceMap'],
  options: PlaybookLoadOptions,
): { inventory: RawInventory; located: Located } {
  const path = options.inventoryFile ?? (typeof raw.inventory === 'string' ? resolve(dirname(file), raw.inventory) : undefined);
  if (path !== undefined) return loadInventoryFile(path);
  if (raw.inventory === undefined || typeof raw.inventory === 'string') {
    throw new PlaybookError([{ position: playbookMap.positionOf(''), message: 'no inventory: add an inventory: section or file path, or pass -i INVENTORY' }]);
  }
  return { inventory: raw.inventory, located: { sourceMap: playbookMap, pointer: '/inventory' } };
}

export function loadInventoryFile(path: string): { inventory: RawInventory; located: Located } {
  const loaded = loadYamlFile(path, 'inventory');
  const { sourceMap } = loaded;
  const data = isAnsibleInventory(loaded.data) ? fromAnsibleInventory(loaded.data as Record<string, unknown>, sourceMap) : loaded.data;
  validateAgainstSchema(inventorySchema, data, sourceMap, 'inventory');
  return { inventory: data as RawInventory, located: { sourceMap, pointer: '' } };
}
