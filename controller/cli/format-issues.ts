import type { ValidationIssue } from '../../desired-state/model.js';

/** `file:line:col: error [rule] Kind name: message`, the shape editors and CI annotators understand. */
export function formatIssue(i: ValidationIssue): string {
  const what = i.kind ? ` ${i.kind}${i.name ? ` ${i.name}` : ''}:` : '';
  return `${i.file}:${i.line}:${i.column}: error [${i.rule}]${what} ${i.message}`;
}
