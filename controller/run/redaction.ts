import type { Kind } from '../../desired-state/model.js';
import { redactSecrets } from '../../providers/simulator/redact-secrets.js';
import type { FieldDiff } from '../../reconcilers/action.js';
import { redactField } from '../../reconcilers/render-plan.js';
import type { DriftField } from './controller-view.js';

/*
 * Everything the controller hands out (the view, its events, its logs) passes through here: the
 * same x-cairn-secret patterns the plan renderer and the simulator already honour.
 */

/** A spec with its secret fields replaced; the input is not modified. */
export function redactSpec(kind: Kind, spec: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!spec) return null;
  return redactSecrets(kind, spec);
}

/** A field difference as a drift field (desired = git's value, observed = the world's), redacted. */
export function driftField(kind: Kind, f: FieldDiff): DriftField {
  const r = redactField(kind, f);
  return { path: r.path, desired: r.to ?? null, observed: r.from ?? null };
}
