/**
 * A deep copy of plain data (what a spec or a placement is: objects, arrays, strings, numbers,
 * booleans, null). What the simulator stores from an action must not change when the caller reuses
 * its objects; structuredClone of the whole action (its field diffs and dependencies included)
 * was a twentieth of a zero-latency apply.
 */
export function plainCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(plainCopy) as T;
  // Anything else (a Date, a Map) is not plain data: keep structuredClone's exact behaviour for it.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plainCopy((value as Record<string, unknown>)[key]);
  return out as T;
}
