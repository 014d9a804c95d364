import fc from 'fast-check';
import { v5, validate, version } from 'uuid';
import { EVENT_ID_NAMESPACE, eventIdFor } from './event-id';

describe('eventIdFor', () => {
  it('gives the same uuid v5 for the same stream and upstream key', () => {
    const id = eventIdFor('customer-42', 'order:A-1001');
    expect(validate(id) && version(id)).toBe(5);
    expect(eventIdFor('customer-42', 'order:A-1001')).toBe(id);
  });

  it('gives different ids for a different key, a different stream, or the same characters split differently', () => {
    const ids = new Set([
      eventIdFor('customer-42', 'order:A-1001'),
      eventIdFor('customer-42', 'order:A-1002'),
      eventIdFor('customer-43', 'order:A-1001'),
      eventIdFor('ab', 'c'),
      eventIdFor('a', 'bc'),
    ]);
    expect(ids.size).toBe(5);
  });

  it('is stable across releases (the namespace must never change)', () => {
    expect(eventIdFor('customer-1', 'order:1')).toBe('7b667720-ee93-5fa5-9fce-b575b02f4a61');
  });

  it('is the uuid package\'s v5 of the length-prefixed name, for any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), fc.string({ minLength: 1, unit: 'grapheme' }), (stream, key) => {
        expect(eventIdFor(stream, key)).toBe(v5(`${stream.length}:${stream}:${key}`, EVENT_ID_NAMESPACE));
      }),
      { numRuns: 500, seed: 20241123 },
    );
  });

  it('refuses empty inputs, which would make unrelated facts collide', () => {
    expect(() => eventIdFor('', 'order:1')).toThrow(RangeError);
    expect(() => eventIdFor('customer-1', '')).toThrow(RangeError);
  });
});
