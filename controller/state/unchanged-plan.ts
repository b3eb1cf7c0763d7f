/**
 * The last empty plan, remembered with what it was made from, so that planning an unchanged
 * revision against an unchanged world costs a warm load and one token read instead of observing
 * and planning hundreds of thousands of objects.
 *
 * The key is everything an empty plan depends on:
 * - the revision (commit id): the desired state, whose validity the load checks on every run anyway;
 * - cairn's version and the schemas' digest (`salt`): a new planner may plan differently;
 * - the provider's name and its change token (providers/provider.ts `changeToken`): a value that
 *   changes whenever the world does (the simulator's write generation), as Kubernetes'
 *   resourceVersion. A provider without one is always observed.
 * Only an empty plan without errors is remembered; that is the one that is asked for again and
 * again (a controller's resync, `cairn plan` after an apply) and the one that is cheap to keep.
 *
 * Where: `<stateDir>/unchanged-plan.json`, replaced whole by a rename, so a reader sees the old
 * entry or the new one, never half of one. Losing it costs one full observe, nothing more, so it
 * is not fsynced; a torn or foreign file reads as no entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plan } from '../../reconcilers/plan.js';

export const UNCHANGED_PLAN_FILE = 'unchanged-plan.json';

export interface UnchangedPlanKey {
  revision: string;
  salt: string;
  provider: string;
  token: string;
}

interface Entry extends UnchangedPlanKey {
  format: number;
  plan: Plan;
}

/** Bump when the entry's shape changes. */
const FORMAT = 1;

const fileIn = (stateDir: string): string => path.join(stateDir, UNCHANGED_PLAN_FILE);

/** The remembered empty plan for exactly this key, or undefined. */
export function readUnchangedPlan(stateDir: string, key: UnchangedPlanKey): Plan | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(fs.readFileSync(fileIn(stateDir), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (entry?.format !== FORMAT || !sameKey(entry, key)) return undefined;
  const plan = entry.plan;
  if (!plan || !Array.isArray(plan.actions) || plan.actions.length > 0 || !Array.isArray(plan.errors) || plan.errors.length > 0) return undefined;
  return plan;
}

/** Remembers `plan` under `key` if it is empty and has no errors; otherwise forgets any entry. */
export function writeUnchangedPlan(stateDir: string, key: UnchangedPlanKey, plan: Plan): void {
  const file = fileIn(stateDir);
  if (plan.actions.length > 0 || plan.errors.length > 0 || plan.revision !== key.revision) {
    forgetUnchangedPlan(stateDir);
    return;
  }
  const entry: Entry = { format: FORMAT, ...key, plan };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
  } catch {
    // Only a shortcut is lost: the next plan observes.
    fs.rmSync(tmp, { force: true });
  }
}

export function forgetUnchangedPlan(stateDir: string): void {
  fs.rmSync(fileIn(stateDir), { force: true });
}

function sameKey(a: UnchangedPlanKey, b: UnchangedPlanKey): boolean {
  return a.revision === b.revision && a.salt === b.salt && a.provider === b.provider && a.token === b.token;
}
