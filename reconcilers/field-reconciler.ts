import type { Kind, Resource } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import type { Action, ActionOp, FieldDiff } from './action.js';
import { compareSpec, topField, type FieldRule, type FieldRules, type SpecDiff } from './field-rules.js';
import { actionId, ownerOf } from './identity.js';
import { STATEFUL_KINDS } from './kind-order.js';
import type { ReconcileContext, Reconciler } from './reconciler.js';

export interface KindDefinition {
  kind: Kind;
  /** Every spec field of the kind and its class (test/reconcilers checks the list against the schema). */
  fields: FieldRules;
  /** Said in an update's reason when the field changes (how the provider does it). */
  updateNotes?: Readonly<Record<string, string>>;
  /**
   * Adjusts the actions for an object present on both sides, given the spec comparison (a VM's power
   * state, a VM in Error). Pure like the rest.
   */
  refine?: (desired: Resource, observed: ObservedResource, actions: readonly Action[], diff: SpecDiff | null, ctx: ReconcileContext) => readonly Action[];
}

/** A reconciler built from field classes; it exposes them for documentation and tests. */
export interface FieldReconciler extends Reconciler {
  readonly fields: FieldRules;
  readonly updatable: readonly string[];
  readonly stateful: boolean;
}

const fieldsOf = (rules: FieldRules, cls: FieldRule['class']): string[] =>
  Object.entries(rules)
    .filter(([, r]) => r.class === cls)
    .map(([f]) => f);

/** Builds an action; `spec` and `externalId` only where the op needs them. */
export function makeAction(
  op: ActionOp,
  kind: Kind,
  owner: string | undefined,
  name: string,
  reason: string,
  fields: FieldDiff[],
  destructive: boolean,
  extra: { spec?: Record<string, unknown>; externalId?: string } = {},
): Action {
  const a: Action = { id: actionId(op, kind, owner, name), op, kind, name, reason, fields, dependsOn: [], destructive };
  if (owner !== undefined) a.owner = owner;
  if (extra.spec !== undefined) a.spec = extra.spec;
  if (extra.externalId !== undefined) a.externalId = extra.externalId;
  return a;
}

/** The no-op result, shared while refining: a data center in sync allocates nothing per resource. */
const NO_ACTIONS: readonly Action[] = Object.freeze([]);

const listFields = (diffs: readonly FieldDiff[]): string[] => [...new Set(diffs.map((d) => topField(d.path)))];

/**
 * The reconciler of one kind from its field classes:
 * - in git, not in the world → create ("not in the world");
 * - in the world (managed), not in git → delete, or orphan for a stateful kind whose deletionPolicy
 *   (as the world recorded it) is Retain, the default;
 * - on both sides → replace when an immutable field differs, else update when an updatable one does;
 * - foreign objects (managed: false) → nothing, ever.
 */
export function fieldReconciler(def: KindDefinition): FieldReconciler {
  // Only the fields compareSpec looks at, as parallel arrays (no tuple unpacking per field per resource).
  const compared = Object.entries(def.fields).filter(([, r]) => r.class === 'immutable' || r.class === 'updatable');
  const fieldNames = compared.map(([f]) => f);
  const fieldRules = compared.map(([, r]) => r);
  const stateful = STATEFUL_KINDS.has(def.kind);
  const kind = def.kind;

  function removal(observed: ObservedResource): Action {
    const policy = observed.spec?.deletionPolicy ?? 'Retain';
    if (stateful && policy !== 'Delete') {
      return makeAction('orphan', kind, observed.owner, observed.name, 'removed from git; deletionPolicy Retain: data kept, no longer managed', [], false, {
        externalId: observed.externalId,
      });
    }
    const reason = stateful ? 'removed from git; deletionPolicy Delete: its data is destroyed' : 'removed from git';
    return makeAction('delete', kind, observed.owner, observed.name, reason, [], true, { externalId: observed.externalId });
  }

  function changed(desired: Resource, observed: ObservedResource, d: SpecDiff): Action {
    const owner = ownerOf(desired);
    const spec = desired.doc.spec;
    if (d.immutable.length > 0) {
      const names = listFields(d.immutable);
      const reason = `${names.join(', ')} changed and cannot change in place${stateful ? '; the data it holds is destroyed' : ''}`;
      return makeAction('replace', kind, owner, desired.name, reason, [...d.immutable, ...d.updatable], true, { spec, externalId: observed.externalId });
    }
    const names = listFields(d.updatable);
    const notes = names.map((f) => def.updateNotes?.[f]).filter((n): n is string => !!n);
    const reason = `${names.join(', ')} changed${notes.length ? ` (${notes.join('; ')})` : ''}`;
    return makeAction('update', kind, owner, desired.name, reason, d.updatable, false, { spec, externalId: observed.externalId });
  }

  return {
    kind,
    fields: def.fields,
    immutable: fieldsOf(def.fields, 'immutable'),
    updatable: fieldsOf(def.fields, 'updatable'),
    observedOnly: fieldsOf(def.fields, 'observed'),
    stateful,
    reconcile(desired, observed, ctx) {
      if (observed && !observed.managed) return [];
      if (!desired) return observed ? [removal(observed)] : [];
      if (!observed) {
        return [makeAction('create', kind, ownerOf(desired), desired.name, 'not in the world', [], false, { spec: desired.doc.spec })];
      }
      const d = compareSpec(fieldNames, fieldRules, desired.name, desired.doc.spec ?? {}, observed);
      const actions: readonly Action[] = d ? [changed(desired, observed, d)] : NO_ACTIONS;
      const refined = def.refine ? def.refine(desired, observed, actions, d, ctx) : actions;
      return refined === NO_ACTIONS ? [] : (refined as Action[]);
    },
  };
}
