import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrameWriter, cutToColumns } from '../../src/report/frame-writer.ts';
import { FakeTty } from '../helpers/fake-tty.ts';

test('cutToColumns: ASCII by length, wide characters two columns, colours none', () => {
  assert.equal(cutToColumns('x'.repeat(30), 20), 'x'.repeat(20));
  assert.equal(cutToColumns('短'.repeat(15), 20), '短'.repeat(10));
  const coloured = `\x1b[32m✔\x1b[39m ${'y'.repeat(40)}`;
  assert.equal(cutToColumns(coloured, 12), `\x1b[32m✔\x1b[39m ${'y'.repeat(10)}\x1b[0m`);
  assert.equal(cutToColumns('short', 20), 'short');
});

test('frame writer: each frame replaces the last in place, lines never wrap, a frame taller than the terminal loses its top', () => {
  const tty = new FakeTty(20, 6);
  const draw = createFrameWriter((text) => tty.write(text), tty);
  draw('one\ntwo\nthree');
  draw(`a\n${'b'.repeat(50)}`);
  assert.deepEqual(tty.lines(), ['a', 'b'.repeat(20)]);
  const writes = tty.writes.length;
  draw(`a\n${'b'.repeat(50)}`);
  assert.equal(tty.writes.length, writes, 'an unchanged frame is not written again');
  draw(['1', '2', '3', '4', '5', '6', '7', '8'].join('\n'));
  assert.deepEqual(tty.lines(), ['4', '5', '6', '7', '8']);
  draw.clear();
  assert.deepEqual(tty.lines(), []);
});
