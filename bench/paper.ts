// `npm run paper [-- --lab [--reps N] [--rate 16mbit] [--grecv-dirty-mib 0] [--traffic internal|external]] [--write]`: reproduces the seed's two experiments (Deshpande &
// Keahey) on the simulator at full scale, and with --lab on the real two-host lab at reduced
// scale; prints Markdown tables with the seed's figures beside tsmig's. --write also saves the
// output as docs/results/paper-YYYY-MM-DD.md, with the HTML reports behind its tables beside it
// and, with --lab, the lab's figures per run as paper-YYYY-MM-DD.json. --traffic defaults to
// external: the guests' streams cross their hosts' links, as the seed's flows did.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { medianLabReports, simNetperfReports, writeHtmlReports } from './paper/html-reports.ts';
import { labResultsJson } from './paper/lab-results-json.ts';
import { labSection } from './paper/lab-section.ts';
import { machineSummary } from './paper/machine-info.ts';
import { simSection } from './paper/sim-section.ts';

const USAGE = 'usage: npm run paper [-- --lab [--reps N] [--rate 16mbit] [--grecv-dirty-mib 0] [--traffic internal|external]] [--write]';
const { values: options } = (() => {
  try {
    return parseArgs({ options: { lab: { type: 'boolean' }, write: { type: 'boolean' }, reps: { type: 'string', default: '5' }, rate: { type: 'string', default: '16mbit' }, 'grecv-dirty-mib': { type: 'string', default: '0' }, traffic: { type: 'string', default: 'external' } } });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
    process.exit(5);
  }
})();
const repetitions = Number(options.reps);
const grecvDirtyMib = Number(options['grecv-dirty-mib']);
if (!Number.isInteger(grecvDirtyMib) || grecvDirtyMib < 0 || grecvDirtyMib > 128) {
  console.error(`--grecv-dirty-mib wants a whole number of MiB (0-128); ${USAGE}`);
  process.exit(5);
}
const traffic = options.traffic;
if (traffic !== 'external' && traffic !== 'internal') {
  console.error(`--traffic is external or internal; ${USAGE}`);
  process.exit(5);
}
if (!Number.isInteger(repetitions) || repetitions < 1) {
  console.error(`--reps wants a whole number of runs per strategy; ${USAGE}`);
  process.exit(5);
}

const date = new Date().toISOString().slice(0, 10);
const parts = [
  `# tsmig vs the seed (Deshpande & Keahey, traffic-sensitive live migration) — ${date}`,
  '',
  `Machine: ${machineSummary()}.`,
  '',
  await simSection(),
];
const labOptions = { repetitions, linkRate: options.rate, grecvDirtyMib, traffic } as const;
const lab = options.lab ? await labSection({ ...labOptions, log: (line) => console.error(line) }) : undefined;
parts.push('', lab?.markdown ?? '## Real lab\n\nNot run (`npm run paper -- --lab`, as root).');
const resultsDir = fileURLToPath(new URL('../docs/results/', import.meta.url));
if (options.write) {
  mkdirSync(resultsDir, { recursive: true });
  const html = writeHtmlReports(resultsDir, date, [...(await simNetperfReports()), ...medianLabReports(lab?.runs ?? [])]);
  parts.push('', `HTML run reports (per-host timeline, NIC charts, totals): ${html.map((f) => `[${f.replace(/^paper-[\d-]+-|\.html$/g, '')}](${f})`).join(', ')}.`);
}
const text = `${parts.join('\n')}\n`;
console.log(text);
if (options.write) {
  writeFileSync(`${resultsDir}paper-${date}.md`, text);
  console.error(`wrote docs/results/paper-${date}.md`);
  if (lab) {
    const json = { date, machine: machineSummary(), lab: labResultsJson(lab.runs, lab.stack, labOptions) };
    writeFileSync(`${resultsDir}paper-${date}.json`, `${JSON.stringify(json, null, 2)}\n`);
    console.error(`wrote docs/results/paper-${date}.json`);
  }
}
