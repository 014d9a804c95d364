/**
 * A deep, comparable picture of a state, to check that nobody changed it. (structuredClone would
 * do, but under jest its Maps come from another realm and cannot be compared.)
 */
export function stateSnapshot(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { map: [...v.entries()] };
    if (v instanceof Set) return { set: [...v.values()] };
    if (typeof v === 'bigint') return { bigint: v.toString() };
    return v;
  });
}
