// EngineEvents: every listener sees every event in order, and a listener that throws is turned
// into a warning for the others (as Ansible's send_callback does): output never breaks the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineEvents, type EngineEvent } from '../../src/executor/engine-events.ts';

test('a throwing listener becomes a warning to the other listeners; the engine and later listeners go on', () => {
  const events = new EngineEvents();
  const seenBefore: EngineEvent[] = [];
  const seenAfter: EngineEvent[] = [];
  events.subscribe((e) => seenBefore.push(e));
  events.subscribe((e) => {
    if (e.type === 'info') throw new Error('disk full');
  });
  events.subscribe((e) => seenAfter.push(e));

  assert.doesNotThrow(() => events.emit({ type: 'info', message: 'hello' }));
  events.emit({ type: 'wave-start', wave: 0, vms: ['a'] });

  const expected: EngineEvent[] = [
    { type: 'info', message: 'hello' },
    { type: 'warning', message: "an output listener failed on an 'info' event (skipped for it): disk full" },
    { type: 'wave-start', wave: 0, vms: ['a'] },
  ];
  // Listeners before and after the failing one see the event, then the warning about it.
  assert.deepEqual(seenBefore, expected);
  assert.deepEqual(seenAfter, expected);
});

test('a listener that also throws on the warning does not loop', () => {
  const events = new EngineEvents();
  const seen: string[] = [];
  events.subscribe(() => {
    throw new Error('always');
  });
  events.subscribe(() => {
    throw new Error('me too');
  });
  events.subscribe((e) => seen.push(e.type));
  assert.doesNotThrow(() => events.emit({ type: 'info', message: 'x' }));
  assert.deepEqual(seen, ['info', 'warning', 'warning']);
});

test('unsubscribe stops delivery, and a listener subscribed twice hears twice', () => {
  const events = new EngineEvents();
  let calls = 0;
  const listener = (): void => {
    calls++;
  };
  const off = events.subscribe(listener);
  events.subscribe(listener);
  events.emit({ type: 'info', message: 'x' });
  off();
  events.emit({ type: 'info', message: 'y' });
  assert.equal(calls, 3);
});
