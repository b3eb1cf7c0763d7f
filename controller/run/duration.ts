import { ControllerConfigError } from './errors/controller-config-error.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `5m`, `1h` (or a plain number of seconds) → milliseconds. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new ControllerConfigError(`${what} must be a duration such as 500ms, 30s or 5m (got ${JSON.stringify(text)})`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (!(ms > 0)) throw new ControllerConfigError(`${what} must be longer than zero (got ${JSON.stringify(text)})`);
  return ms;
}
