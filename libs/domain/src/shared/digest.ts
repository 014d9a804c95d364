/**
 * A short digest of a command's facts, kept in the state instead of the whole payload (an order
 * may carry a thousand items) so that "same id, same facts?" stays cheap. Not cryptographic: a
 * collision could only make a conflicting repeat look like an idempotent one, which drops it.
 * cyrb53 (bryc, public domain): 53 bits, two 32-bit lanes.
 */
export const digestOf = (facts: unknown): string => base36(cyrb53(JSON.stringify(facts)));

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `n.toString(36)` for a safe non-negative integer, spelled the same: V8's radix conversion is
 * written for any double and costs more than hashing the facts (every order folds one digest).
 */
export const base36 = (n: number): string => {
  if (n === 0) return '0';
  let text = '';
  for (let rest = n; rest > 0; rest = Math.floor(rest / 36)) text = DIGITS[rest % 36]! + text;
  return text;
};

/** cyrb53 of a string: a well-mixed integer in [0, 2^53). */
export function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
