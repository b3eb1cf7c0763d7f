/** What cairn accepts as `metadata.name`: DNS-label-like, 1 to 63 characters. */
export const RESOURCE_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

const MAX = 63;

/**
 * Turns an arbitrary string into a valid resource name: runs of other characters become `-`,
 * the ends are trimmed to letters or digits, the length is capped. Returns '' when nothing usable
 * is left (the caller picks a fallback).
 */
export function sanitizeName(raw: string): string {
  return trimEnds(raw.replace(/[^A-Za-z0-9._-]+/g, '-')).slice(0, MAX).replace(/[^A-Za-z0-9]+$/, '');
}

function trimEnds(s: string): string {
  return s.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/** `base-N`, with base shortened so that the result still fits. */
export function withSuffix(base: string, n: number): string {
  const suffix = `-${n}`;
  return `${trimEnds(base.slice(0, MAX - suffix.length))}${suffix}`;
}

/**
 * Names handed out during one import, per kind, so that every generated name is unique across all
 * the files of the import (cairn's infrastructure kinds are global: identity is kind and name).
 */
export class ImportNames {
  private readonly taken = new Map<string, Set<string>>();

  has(kind: string, name: string): boolean {
    return this.taken.get(kind)?.has(name) ?? false;
  }

  /**
   * Takes the first free candidate; when all are taken, the last candidate with the smallest free
   * numeric suffix. Candidates must already be valid names.
   */
  claim(kind: string, candidates: readonly string[]): string {
    let set = this.taken.get(kind);
    if (!set) this.taken.set(kind, (set = new Set()));
    let name = candidates.find((c) => !set.has(c));
    if (name === undefined) {
      const base = candidates[candidates.length - 1]!;
      for (let n = 2; ; n++) {
        name = withSuffix(base, n);
        if (!set.has(name)) break;
      }
    }
    set.add(name);
    return name;
  }
}
