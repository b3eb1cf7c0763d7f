import type { Kind } from '../../desired-state/model.js';
import { schemaRegistry, type PathPattern } from '../../desired-state/validate/schema-registry.js';

export const REDACTED = '(redacted)';

/**
 * A copy of `spec` with every `x-cairn-secret` field (VM userData, sshKey) replaced by
 * "(redacted)": the simulator stores them as given, `cairn sim show` never prints them.
 */
export function redactSecrets(kind: Kind, spec: Record<string, unknown>): Record<string, unknown> {
  const secrets = schemaRegistry().kinds.get(kind)?.secrets ?? [];
  if (secrets.length === 0) return spec;
  const doc = structuredClone({ spec });
  for (const pattern of secrets) blank(doc, pattern, 0);
  return doc.spec;
}

function blank(node: unknown, pattern: PathPattern, i: number): void {
  if (typeof node !== 'object' || node === null) return;
  const seg = pattern[i]!;
  const last = i === pattern.length - 1;
  const keys = seg === '*' ? (Array.isArray(node) ? node.map((_, k) => k) : []) : [seg];
  for (const k of keys) {
    const container = node as Record<string | number, unknown>;
    if (!(k in container)) continue;
    if (last) {
      if (container[k] !== undefined) container[k] = REDACTED;
    } else {
      blank(container[k], pattern, i + 1);
    }
  }
}
