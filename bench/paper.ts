// `npm run paper [-- --lab] [-- --write]`: reproduces the seed's two experiments (Deshpande &
// Keahey) on the simulator at full scale, and with --lab on the real two-host lab at reduced
// scale; prints Markdown tables with the seed's figures beside tsmig's. --write also saves the
// output as docs/results/paper-YYYY-MM-DD.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { labSection } from './paper/lab-section.ts';
import { machineSummary } from './paper/machine-info.ts';
import { simSection } from './paper/sim-section.ts';

const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => !['--lab', '--write'].includes(a));
if (unknown.length > 0) {
  console.error(`unknown option(s): ${unknown.join(' ')}; usage: npm run paper [-- --lab] [-- --write]`);
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
if (args.has('--lab')) parts.push('', await labSection());
else parts.push('', '## Real lab', '', 'Not run (`npm run paper -- --lab`, as root).');
const text = `${parts.join('\n')}\n`;
console.log(text);
if (args.has('--write')) {
  const dir = fileURLToPath(new URL('../docs/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}paper-${date}.md`, text);
  console.error(`wrote docs/results/paper-${date}.md`);
}
