import { expect } from 'vitest';
import type { LoadResult, ValidationIssue } from '../../desired-state/model.js';
import { describeIssues, type ExpectedIssue } from './desired-state-repo.js';

const placeKey = (i: { file: string; line: number; column: number; rule: string }) =>
  `${i.file}:${String(i.line).padStart(6, '0')}:${String(i.column).padStart(6, '0')} ${i.rule}`;

/**
 * The load reported exactly `expected` (as a set: an unrelated new error fails the test too), each
 * at its exact file, line and column, with its rule, and with messages containing what is asked.
 */
export function expectIssues(result: LoadResult, expected: readonly ExpectedIssue[]): void {
  const actual = [...result.errors].sort((a, b) => (placeKey(a) < placeKey(b) ? -1 : placeKey(a) > placeKey(b) ? 1 : 0));
  const want = [...expected].sort((a, b) => (placeKey(a) < placeKey(b) ? -1 : placeKey(a) > placeKey(b) ? 1 : 0));
  // Compare places first, with the full messages in the failure output.
  expect(actual.map(placeKey), describeIssues(result.errors).join('\n')).toEqual(want.map(placeKey));
  want.forEach((w, i) => {
    const a = actual[i]!;
    for (const m of [w.message ?? []].flat()) {
      if (typeof m === 'string') expect(a.message, placeKey(a)).toContain(m);
      else expect(a.message, placeKey(a)).toMatch(m);
    }
    if (w.kind !== undefined) expect(a.kind, placeKey(a)).toBe(w.kind);
    if (w.name !== undefined) expect(a.name, placeKey(a)).toBe(w.name);
  });
  expect(result.valid).toBe(expected.length === 0);
}

/** The single error of a load, after checking there is exactly one matching `expected`. */
export function expectOneIssue(result: LoadResult, expected: ExpectedIssue): ValidationIssue {
  expectIssues(result, [expected]);
  return result.errors[0]!;
}
