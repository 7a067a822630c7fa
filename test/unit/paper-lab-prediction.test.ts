// The paper's lab section: the plan's estimates beside the measured migration times, per run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predictionTable } from '../../bench/paper/lab-section.ts';

test('each migration and the total: predicted, measured, and the error against the prediction', () => {
  const table = predictionTable([
    {
      strategy: 'traffic-sensitive',
      repetition: 2,
      predictedTmtS: 100,
      totalMigrationTimeS: 125,
      durations: { gsend: { mode: 'post-copy', predictedS: 80, measuredS: 60 }, grecv: { mode: 'pre-copy', predictedS: undefined, measuredS: null } },
    },
  ]);
  const rows = table.split('\n').slice(2).map((line) => line.split('|').map((cell) => cell.trim()).filter(Boolean));
  assert.deepEqual(rows, [
    ['traffic-sensitive', '2', 'gsend', 'post-copy', '80.0', '60.0', '-25 %'],
    ['traffic-sensitive', '2', 'grecv', 'pre-copy', '—', '—', '—'],
    ['traffic-sensitive', '2', 'TMT', '100.0', '125.0', '+25 %'],
  ]);
});
