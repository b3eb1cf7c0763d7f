import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../desired-state/model.js';
import { schemaRegistry } from '../../desired-state/validate/schema-registry.js';
import { fieldClassTable } from '../../reconcilers/field-class-table.js';
import { KIND_TIER, STATEFUL_KINDS, TENANT_KINDS } from '../../reconcilers/kind-order.js';
import { RECONCILERS } from '../../reconcilers/kinds/index.js';
import { REFERENCE_EDGES } from '../../reconcilers/reference-edges.js';

/*
 * The reconcilers keep their own tables (field classes, references, scopes) so that planning reads
 * no schema at run time. These tests hold the tables to the schemas: a field or reference added to a
 * schema without a class here fails here, not silently in a plan.
 */

const registry = schemaRegistry();
const specProperties = (kind: string): string[] => {
  const spec = (registry.kinds.get(kind)!.schema.properties as Record<string, { properties?: Record<string, unknown> }>).spec!;
  return Object.keys(spec.properties ?? {}).sort();
};

describe('the reconcilers agree with the schemas', () => {
  it('one reconciler and one creation tier per kind', () => {
    expect(Object.keys(RECONCILERS).sort()).toEqual([...KINDS].sort());
    expect(Object.keys(KIND_TIER).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(RECONCILERS[kind].kind).toBe(kind);
  });

  for (const kind of KINDS) {
    it(`${kind}: every spec field has a class, and only spec fields (plus status.* observed ones)`, () => {
      const declared = Object.entries(RECONCILERS[kind].fields)
        .filter(([f, r]) => !(r.class === 'observed' && f.startsWith('status.')))
        .map(([f]) => f)
        .sort();
      expect(declared).toEqual(specProperties(kind));
    });
  }

  it('the reference table lists every x-cairn-ref field, with its target kind', () => {
    for (const kind of KINDS) {
      const fromSchema = registry.kinds
        .get(kind)!
        .references.map((r) => `${r.path.join('.')} -> ${r.kind}`)
        .sort();
      const fromTable = REFERENCE_EDGES[kind]
        .map((e) => `${['spec', e.field, ...(e.list ? ['*'] : []), ...(e.item ? [e.item] : [])].join('.')} -> ${e.target}`)
        .sort();
      expect(fromTable, kind).toEqual(fromSchema);
    }
  });

  it('tenant and stateful kinds are the schemas\'', () => {
    expect([...TENANT_KINDS].sort()).toEqual(KINDS.filter((k) => registry.kinds.get(k)!.scope === 'tenant').sort());
    expect([...STATEFUL_KINDS].sort()).toEqual(KINDS.filter((k) => registry.kinds.get(k)!.stateful).sort());
    for (const kind of KINDS) expect(RECONCILERS[kind].stateful, kind).toBe(registry.kinds.get(kind)!.stateful);
  });

  it('secret fields are the schemas\' x-cairn-secret fields', () => {
    for (const kind of KINDS) {
      const fromSchema = registry.kinds.get(kind)!.secrets.map((p) => p.join('.')).sort();
      const fromRules = Object.entries(RECONCILERS[kind].fields)
        .filter(([, r]) => r.secret)
        .map(([f]) => `spec.${f}`)
        .sort();
      expect(fromRules, kind).toEqual(fromSchema);
    }
  });

  it('stateful kinds carry deletionPolicy with the Retain default', () => {
    for (const kind of STATEFUL_KINDS) expect(RECONCILERS[kind].fields.deletionPolicy, kind).toMatchObject({ class: 'updatable', default: 'Retain' });
  });

  it('the README table is the one the code generates', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../reconcilers/README.md'), 'utf8');
    expect(readme).toContain(fieldClassTable());
  });
});
