// Reads a YAML file into data plus a source map, refusing hostile input early and clearly.
import { constructFromEvents, parseEvents, YAMLException } from 'js-yaml';
import { PlaybookError } from '../errors.ts';
import { SourceMap } from './source-map.ts';
import { countExpandedNodes } from './alias-expansion.ts';
import { readRegularTextFile } from '../util/read-regular-file.ts';

/** Playbooks are small; anything bigger is a mistake or an attack. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Anchors may serve as templates, but expanded documents stay small (no alias bombs). */
export const MAX_YAML_ALIASES = 1000;
export const MAX_YAML_EXPANDED_NODES = 100_000;
export const MAX_YAML_DEPTH = 32;

export interface LoadedYaml {
  data: unknown;
  sourceMap: SourceMap;
}

/** `what` names the file in errors: "playbook", "inventory". */
export function loadYamlFile(file: string, what = 'YAML file'): LoadedYaml {
  return parseYaml(readRegularTextFile(file, what, MAX_YAML_BYTES), file);
}

export function parseYaml(source: string, file: string): LoadedYaml {
  if (source.trim() === '') {
    throw new PlaybookError([{ position: { file, line: 1, column: 1 }, message: 'file is empty: expected a YAML mapping' }]);
  }
  try {
    const events = parseEvents(source, { filename: file, maxDepth: MAX_YAML_DEPTH });
    const expandedNodes = countExpandedNodes(source, events);
    if (expandedNodes > MAX_YAML_EXPANDED_NODES) {
      throw new PlaybookError([
        { position: { file, line: 1, column: 1 }, message: `aliases expand to ${expandedNodes} nodes; the limit is ${MAX_YAML_EXPANDED_NODES} (alias bomb?)` },
      ]);
    }
    const documents = constructFromEvents(events, { source, filename: file, maxAliases: MAX_YAML_ALIASES });
    const sourceMap = new SourceMap(file, source, events);
    if (documents.length !== 1) {
      throw new PlaybookError([{ position: sourceMap.positionAt(0), message: `expected one YAML document, found ${documents.length}` }]);
    }
    return { data: documents[0], sourceMap };
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = (error.mark?.line ?? 0) + 1;
      const column = (error.mark?.column ?? 0) + 1;
      throw new PlaybookError([{ position: { file, line, column }, message: `YAML: ${error.reason}` }]);
    }
    throw error;
  }
}
