import type { ErrorObject } from 'ajv';
import { formatHelp } from './formats.js';

type JsonSchema = Record<string, unknown>;

/** `path` is `base` or lies beneath it (JSON pointers; '/spec/vlan' is not beneath '/spec/vl'). */
export const within = (path: string, base: string): boolean => path === base || path.startsWith(`${base}/`);

/**
 * A failing oneOf/anyOf makes ajv report every branch's errors, most of them beside the point:
 * `vlan: 5000` would read "must be string" (the "auto" branch) beside "must be <= 4094". Keep only
 * the branch the value was evidently meant for: among the branches whose type the value has, the
 * one with the fewest errors. When no branch stands out, drop them all and keep the oneOf error
 * itself, which `describeAlternatives` turns into a list of the accepted forms.
 */
export function pickAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const alt of errors) {
    if (alt.keyword !== 'oneOf' && alt.keyword !== 'anyOf') continue;
    const prefix = `${alt.schemaPath}/`;
    const branches = new Map<number, ErrorObject[]>();
    for (const e of errors) {
      if (e === alt || !e.schemaPath.startsWith(prefix) || !within(e.instancePath, alt.instancePath)) continue;
      const i = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      const list = branches.get(i) ?? [];
      list.push(e);
      branches.set(i, list);
    }
    // A oneOf that failed because several branches matched has no branch errors: nothing to pick.
    if (branches.size === 0) continue;
    const sameType = [...branches.values()].filter((es) => !es.some((e) => e.keyword === 'type' && e.instancePath === alt.instancePath));
    const fewest = Math.min(...sameType.map((es) => es.length));
    const best = sameType.filter((es) => es.length === fewest);
    const keep = best.length === 1 ? best[0]! : [];
    for (const es of branches.values()) for (const e of es) if (!keep.includes(e)) drop.add(e);
    if (keep.length > 0) drop.add(alt);
  }
  return errors.filter((e) => !drop.has(e));
}

/** The forms a oneOf/anyOf accepts, in words: `"auto" or an integer from 1 to 4094`. */
export function describeAlternatives(e: ErrorObject): string | undefined {
  if (!Array.isArray(e.schema)) return undefined;
  const forms = (e.schema as unknown[]).map((s) => (typeof s === 'object' && s !== null ? describeForm(s as JsonSchema) : undefined));
  if (forms.some((f) => f === undefined)) return undefined;
  return forms.length <= 2 ? forms.join(' or ') : `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}`;
}

function describeForm(s: JsonSchema): string | undefined {
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map(String).join(', ')}`;
  if (typeof s.format === 'string') return formatHelp[s.format] ?? `a valid ${s.format}`;
  if (s.type === 'object' && Array.isArray(s.required)) return `a mapping with ${s.required.join(' and ')}`;
  if (s.type === 'integer' || s.type === 'number') {
    const what = s.type === 'integer' ? 'an integer' : 'a number';
    if (typeof s.minimum === 'number' && typeof s.maximum === 'number') return `${what} from ${s.minimum} to ${s.maximum}`;
    return what;
  }
  if (typeof s.type === 'string') return `a ${s.type}`;
  return typeof s.title === 'string' ? s.title : undefined;
}
