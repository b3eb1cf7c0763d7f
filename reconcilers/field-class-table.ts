import { KINDS } from '../desired-state/model.js';
import type { FieldRule } from './field-rules.js';
import { RECONCILERS } from './kinds/index.js';
import { REFERENCE_EDGES } from './reference-edges.js';

const describeRule = (field: string, r: FieldRule): string => {
  const extras: string[] = [];
  if (r.default !== undefined) extras.push(`default ${JSON.stringify(r.default)}`);
  if (r.defaultIsName) extras.push('default: the name');
  if (r.auto !== undefined) extras.push(`${JSON.stringify(r.auto)} = any`);
  if (r.omittedMeansObserved) extras.push('omitted = any');
  if (r.unordered) extras.push('a set');
  if (r.secret) extras.push('secret');
  if (r.replaceWhen) extras.push('shrink → replace');
  if (r.summary) extras.push(r.summary);
  return extras.length ? `\`${field}\` (${extras.join(', ')})` : `\`${field}\``;
};

/**
 * The per-kind field classes as a markdown table, generated from the reconcilers themselves so
 * the README cannot drift from the code (test/reconcilers checks that it is in the README).
 */
export function fieldClassTable(): string {
  const rows = ['| Kind | Immutable (→ replace) | Updatable in place (→ update) | Observed only (never drift) | Hard references (replaced with their target) |', '|---|---|---|---|---|'];
  for (const kind of KINDS) {
    const fields = Object.entries(RECONCILERS[kind].fields);
    const of = (cls: FieldRule['class'] | FieldRule['class'][]) =>
      fields
        .filter(([, r]) => (Array.isArray(cls) ? cls.includes(r.class) : r.class === cls))
        .map(([f, r]) => (r.class === 'power' ? `\`${f}\` (power: start/stop)` : describeRule(f, r)))
        .join(', ') || '—';
    const hard = REFERENCE_EDGES[kind].filter((e) => e.strength === 'hard').map((e) => `\`${e.field}\``).join(', ') || '—';
    rows.push(`| ${kind} | ${of('immutable')} | ${of(['updatable', 'power'])} | ${of('observed')} | ${hard} |`);
  }
  return rows.join('\n') + '\n';
}
