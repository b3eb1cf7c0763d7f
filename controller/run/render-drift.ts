import type { DriftField, DriftPolicy, UnmanagedObject } from './controller-view.js';

/** What `cairn drift` reports. */
export interface DriftReport {
  revision: string | null;
  items: { kind: string; name: string; account: string | null; fields: DriftField[]; policy: DriftPolicy; firstSeenAt: string | null }[];
  unmanaged: UnmanagedObject[];
}

const show = (v: unknown) => (v === undefined || v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
const who = (i: { kind: string; name: string; account: string | null }) => `${i.kind} ${i.account ? `${i.account.replace(/^account:/, '')}/` : ''}${i.name}`;

export function renderDriftText(r: DriftReport): string {
  const lines: string[] = [];
  for (const i of r.items) {
    lines.push(`~ ${who(i)}  (policy ${i.policy}${i.firstSeenAt ? `, first seen ${i.firstSeenAt}` : ''})`);
    for (const f of i.fields) lines.push(`    ${f.path}: git ${show(f.desired)}, world ${show(f.observed)}`);
  }
  if (r.items.length === 0) lines.push(`No drift: the world matches revision ${r.revision?.slice(0, 12) ?? '(working tree)'}.`);
  else lines.push(`\n${r.items.length} resource${r.items.length === 1 ? '' : 's'} drifted from revision ${r.revision?.slice(0, 12)}.`);
  if (r.unmanaged.length > 0) {
    lines.push(`\n${r.unmanaged.length} unmanaged object${r.unmanaged.length === 1 ? '' : 's'} (no cairn identity; never touched):`);
    for (const u of r.unmanaged) lines.push(`  ? ${who(u)}  ${u.externalId}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderDriftMarkdown(r: DriftReport): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [`### Drift from \`${r.revision?.slice(0, 12) ?? 'working tree'}\``, ''];
  if (r.items.length === 0) out.push('No drift: the world matches git.');
  else {
    out.push('| resource | field | git | world | policy | first seen |', '|---|---|---|---|---|---|');
    for (const i of r.items) {
      for (const f of i.fields) out.push(`| ${cell(who(i))} | \`${cell(f.path)}\` | ${cell(show(f.desired))} | ${cell(show(f.observed))} | ${i.policy} | ${i.firstSeenAt ?? ''} |`);
    }
  }
  if (r.unmanaged.length > 0) {
    out.push('', `**${r.unmanaged.length} unmanaged object(s)** (no cairn identity; never touched):`, '');
    for (const u of r.unmanaged) out.push(`- ${cell(who(u))} (\`${u.externalId}\`)`);
  }
  return `${out.join('\n')}\n`;
}
