import type { Kind } from '../../desired-state/model.js';
import { schemaRegistry, type PathPattern } from '../../desired-state/validate/schema-registry.js';
import { redactSecrets } from '../../providers/simulator/redact-secrets.js';
import type { FieldDiff } from '../../reconcilers/action.js';
import { redactField } from '../../reconcilers/render-plan.js';
import type { DriftField } from './controller-view.js';

/*
 * Everything the controller hands out (the view, its events, its logs) passes through here: the
 * same x-cairn-secret patterns the plan renderer and the simulator already honour.
 */

/**
 * A spec with its secret fields replaced; the input is not modified. A spec without any secret
 * value is handed out as it is: copying every VM's spec to blank a user data most of them do not
 * have would cost seconds on a listing of 250,000 VMs.
 */
export function redactSpec(kind: Kind, spec: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!spec) return null;
  const secrets = schemaRegistry().kinds.get(kind)?.secrets ?? [];
  return secrets.some((pattern) => holds({ spec }, pattern, 0)) ? redactSecrets(kind, spec) : spec;
}

/** True when a value is present at `pattern` (which starts at the document: `spec`, ...). */
function holds(node: unknown, pattern: PathPattern, i: number): boolean {
  if (i === pattern.length) return node !== undefined;
  if (typeof node !== 'object' || node === null) return false;
  const seg = pattern[i]!;
  if (seg === '*') return Array.isArray(node) && node.some((v) => holds(v, pattern, i + 1));
  return holds((node as Record<string, unknown>)[seg], pattern, i + 1);
}

/** A field difference as a drift field (desired = git's value, observed = the world's), redacted. */
export function driftField(kind: Kind, f: FieldDiff): DriftField {
  const r = redactField(kind, f);
  return { path: r.path, desired: r.to ?? null, observed: r.from ?? null };
}
