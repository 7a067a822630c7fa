// The HTML timeline and NIC charts as a reader needs them: the measuring folded away, waves
// marked, each row naming its destination, one y scale per group of charts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNicCharts } from '../../src/report/html/nic-charts.ts';
import { foldedTimeScale, renderTimelineSvg, waveStarts } from '../../src/report/html/timeline-svg.ts';
import { demoReport, failingReport } from '../helpers/report-fixtures.ts';

test('folded time scale: 30 s of measuring take 44 px, the migrations the rest of the plot', () => {
  const x = foldedTimeScale(30, 230, 130, 620);
  assert.equal(x(0), 130);
  assert.equal(x(30), 174);
  assert.equal(x(230), 750);
  assert.equal(x(130), 174 + 576 / 2);
  const unfolded = foldedTimeScale(0, 100, 0, 500);
  assert.equal(unfolded(50), 250, 'nothing to fold when the first migration starts at 0');
});

test('timeline of the demo: prelude band narrow, every row names its destination', async () => {
  const report = await demoReport();
  const svg = renderTimelineSvg(report);
  const prelude = /<rect class="prelude" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg);
  assert.ok(prelude, 'the measuring is shown, folded');
  assert.ok(Number(prelude[2]) <= 44, `prelude ${prelude[2]} px wide`);
  for (const m of report.migrations) assert.ok(svg.includes(`→ ${m.to} ${m.mode}`), `${m.vm}: destination on its row`);
  assert.equal((svg.match(/class="wave-mark"/g) ?? []).length, 0, 'one wave: no wave marks');
});

test('timeline of a run in several waves: a mark where each wave starts', async () => {
  const report = await failingReport();
  const waves = waveStarts(report);
  assert.ok(waves.length >= 2, `fixture runs in waves (${waves.length})`);
  const svg = renderTimelineSvg(report);
  assert.deepEqual([...svg.matchAll(/class="wave-mark" data-wave="(\d+)"/g)].map((m) => Number(m[1])), waves.map((w) => w.wave + 1));
  assert.match(svg, /wave 2 starts at/);
});

test('NIC charts: every host\'s chart of one kind has the same y axis', async () => {
  const html = renderNicCharts(await demoReport());
  const charts = [...html.matchAll(/<svg class="chart"[^]*?<\/svg>/g)].map((m) => m[0]);
  assert.equal(charts.length % 2, 0);
  // The y tick labels are right-aligned at the left margin; the highest is the axis top.
  const top = (svg: string): number => Math.max(...[...svg.matchAll(/text-anchor="end">([\d.G]+)<\/text>/g)].map((m) => Number(m[1])));
  const sampling = charts.filter((_, i) => i % 2 === 0).map(top);
  const migration = charts.filter((_, i) => i % 2 === 1).map(top);
  assert.equal(new Set(sampling).size, 1, `sampling axes ${sampling.join(', ')}`);
  assert.equal(new Set(migration).size, 1, `migration axes ${migration.join(', ')}`);
});
