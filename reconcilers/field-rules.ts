import type { ObservedResource } from '../providers/provider.js';
import type { FieldDiff } from './action.js';
import { deepEqual, diff, diffValues, sortedList } from './compare-values.js';

/**
 * How a spec field behaves when git and the world disagree:
 * - `immutable`: cannot change in place; a difference means replace (destructive).
 * - `updatable`: changed in place by an update.
 * - `observed`: decided or measured by the provider; never drift.
 * - `power`: a VM's `state`, compared with the observed power state: start / stop.
 */
export type FieldClass = 'immutable' | 'updatable' | 'observed' | 'power';

export interface FieldRule {
  class: FieldClass;
  /** The value an omitted field stands for, on both sides (`state: Running`, `deletionPolicy: Retain`). */
  default?: unknown;
  /** The omitted value is the resource's own name (`displayName`). */
  defaultIsName?: boolean;
  /** Omitted in git means "whatever the world has" (capacity observed on real hosts, a root disk sized by its template). */
  omittedMeansObserved?: boolean;
  /** A value in git that leaves the choice to the provider (`vlan: auto`, `address: auto`): any observed value is fine. */
  auto?: unknown;
  /** Where the provider reports the value it decided when the observed spec leaves it out (or says `auto`). */
  fromStatus?: string;
  /** A list whose order does not matter (tags, CIDRs, members): compared as a set. */
  unordered?: boolean;
  /** Brings both sides to one form before comparing (nested defaults). */
  normalise?: (v: unknown) => unknown;
  /** A comparison of its own (a VM's NICs: an omitted ip accepts any allocated address). */
  compare?: (to: unknown, from: unknown, observed: ObservedResource, path: string, out: FieldDiff[]) => void;
  /** Holds a secret (`x-cairn-secret`): values never appear in a plan. */
  secret?: boolean;
  /** An updatable field that cannot change in place in this direction (a disk never shrinks in CloudStack): replace. */
  replaceWhen?: (from: unknown, to: unknown) => boolean;
  /** Why the field is in its class (CloudStack's behaviour). */
  note?: string;
  /** How a custom `compare` normalises, for the README table. */
  summary?: string;
}

export type FieldRules = Readonly<Record<string, FieldRule>>;

/** What `(sensitive)` a secret's value becomes in every diff. */
export const SENSITIVE = '(sensitive)';

export interface SpecDiff {
  /** Differences in immutable fields (replace). */
  immutable: FieldDiff[];
  /** Differences in updatable fields (update). */
  updatable: FieldDiff[];
}

/** Reused for each field's diffs: equal fields (nearly all of them) allocate nothing. */
const scratch: FieldDiff[] = [];

const shrinks = (from: unknown, to: unknown): boolean => typeof from === 'number' && typeof to === 'number' && to < from;
export const SHRINK = shrinks;

/**
 * Compares git's spec with the world's, field by field, on normalised values. Returns null when they
 * agree, which is what a no-op plan of 280,000 resources does 280,000 times: that path allocates
 * nothing but what a rule's own normalisation needs.
 */
export function compareSpec(
  fields: readonly string[],
  rules: readonly FieldRule[],
  name: string,
  desired: Record<string, unknown>,
  observed: ObservedResource,
): SpecDiff | null {
  let result: SpecDiff | null = null;
  const world = observed.spec ?? {};
  for (let i = 0; i < rules.length; i++) {
    const field = fields[i]!;
    const rule = rules[i]!;
    if (rule.class === 'observed' || rule.class === 'power') continue;
    let to = desired[field];
    if (to === undefined && rule.omittedMeansObserved) continue;
    if (to === undefined) to = rule.defaultIsName ? name : rule.default;
    if (rule.auto !== undefined && to === rule.auto) continue;
    let from = world[field];
    if (rule.fromStatus !== undefined && (from === undefined || (rule.auto !== undefined && from === rule.auto))) {
      from = observed.status?.[rule.fromStatus] ?? from;
    }
    if (from === undefined) from = rule.defaultIsName ? name : rule.default;
    if (!rule.compare && deepEqual(from, to)) continue;
    if (rule.normalise) {
      to = rule.normalise(to);
      from = rule.normalise(from);
    }
    if (rule.unordered) {
      to = sortedList(to);
      from = sortedList(from);
    }
    const out = scratch;
    out.length = 0;
    if (rule.compare) rule.compare(to, from, observed, field, out);
    else if (deepEqual(from, to)) continue;
    else if (rule.unordered) out.push(diff(field, from, to));
    else diffValues(field, from, to, out);
    if (out.length === 0) continue;
    if (rule.secret) for (const d of out) redactDiff(d);
    result ??= { immutable: [], updatable: [] };
    const inPlace = rule.class === 'updatable' && !rule.replaceWhen?.(from, to);
    (inPlace ? result.updatable : result.immutable).push(...out);
  }
  return result;
}

export function redactDiff(d: FieldDiff): void {
  if (d.from !== undefined) d.from = SENSITIVE;
  if (d.to !== undefined) d.to = SENSITIVE;
}

/** The top-level field a diff path is in: `networks[0].ip` → `networks`. */
export function topField(path: string): string {
  const m = /^[^.[]+/.exec(path);
  return m ? m[0] : path;
}
