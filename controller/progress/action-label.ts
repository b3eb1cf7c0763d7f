import type { Action } from '../../reconcilers/action.js';

/** `create VirtualMachine acme/web-1`: how an action is named to a person. */
export function actionLabel(action: Pick<Action, 'op' | 'kind' | 'name' | 'owner'>): string {
  return `${action.op} ${action.kind} ${resourceName(action)}`;
}

/** `acme/web-1` for an account's resource, `project:p/web-1` for a project's, `zone1` for a global one. */
export function resourceName(action: Pick<Action, 'name' | 'owner'>): string {
  if (action.owner === undefined) return action.name;
  const owner = action.owner.startsWith('account:') ? action.owner.slice('account:'.length) : action.owner;
  return `${owner}/${action.name}`;
}

/** `12 ms`, `1.2 s`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${rest}s` : `${m}m${rest}s`;
}

/** `251`, `3.2`, `0.02` actions/s: enough digits to mean something at any rate. */
export function formatRate(perSecond: number): string {
  return perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toFixed(2);
}
