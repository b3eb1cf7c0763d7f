import type { FieldRule } from '../field-rules.js';
import { SHRINK } from '../field-rules.js';

/** Shorthands for the per-kind field tables. */
export const immutable = (note: string, opts: Omit<FieldRule, 'class' | 'note'> = {}): FieldRule => ({ class: 'immutable', note, ...opts });
export const updatable = (note: string, opts: Omit<FieldRule, 'class' | 'note'> = {}): FieldRule => ({ class: 'updatable', note, ...opts });

/** A set of tags or names: order irrelevant, omitted = none. */
export const set = (cls: 'immutable' | 'updatable', note: string): FieldRule => ({ class: cls, note, unordered: true, default: [] });

/** Declared for simulated objects, measured on real ones: omitted in git accepts what the world reports. */
export const declaredOrObserved = (note: string, status: string, opts: Omit<FieldRule, 'class' | 'note'> = {}): FieldRule => ({
  class: 'updatable',
  note,
  omittedMeansObserved: true,
  fromStatus: status,
  ...opts,
});

/** A disk size in GiB: it grows in place; CloudStack never shrinks a disk, so a smaller size is a replace. */
export const size = (note: string, status: string): FieldRule => declaredOrObserved(note, status, { replaceWhen: SHRINK });

/**
 * Stateful kinds: recorded with the object (provider metadata), so that when the document leaves git
 * the planner still knows whether to orphan or delete. Changing it is a metadata-only update.
 */
export const deletionPolicy: FieldRule = {
  class: 'updatable',
  default: 'Retain',
  note: 'recorded with the object; decides orphan (Retain) or delete when the document leaves git',
};
