import type { Resource } from '../../desired-state/model.js';
import { ownerKey } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { makePlan } from '../planning/make-plan.js';
import { planOptions, planOptionsFrom } from '../planning/plan-options.js';
import { printInvalidRevision } from '../planning/print-invalid-revision.js';
import { openJournal } from '../state/journal.js';

type Status = 'ready' | 'progressing' | 'pending' | 'out-of-date' | 'failed';

interface StatusItem {
  kind: string;
  name: string;
  account: string | null;
  status: Status;
  /** Why it is not ready: the planned action's reason. */
  reason?: string;
  observed: Record<string, unknown> | null;
  lastError?: string;
}

const TRANSITIONAL = new Set(['Starting', 'Stopping']);

export const statusCommand: Command = {
  path: ['status'],
  summary: 'every resource of the revision: desired, observed, ready or why not',
  usage: 'status [--repo DIR] [--rev REV | --worktree] [--json]',
  details: `A resource is ready when the world holds it as git says; pending when it does not exist yet;
out-of-date when it differs (the planned update, replace, start or stop says how); progressing while
a VM is Starting or Stopping; failed when the last apply's action on it failed (its error is shown).
Exit 0 when everything is ready, 2 otherwise, 1 when the revision is invalid.`,
  options: [...planOptions, { name: 'json', type: 'boolean', description: 'print {"revision","appliedRevision","summary","items":[{kind,name,account,status,reason,observed,lastError}],"unmanaged"}' }],
  async run(args, io) {
    const planned = await makePlan(planOptionsFrom(args, io));
    if (!planned.ok) {
      printInvalidRevision(planned.load, 'status', io);
      return ExitCode.invalid;
    }
    const { plan, observed, load, stateDir } = planned;
    const journal = openJournal(stateDir);
    const lastErrors = lastRunErrors(journal);
    const observedBy = new Map(observed.filter((o) => o.managed).map((o) => [identity(o.kind, o.owner ?? '', o.name), o] as const));
    const actionBy = new Map(plan.actions.map((a) => [identity(a.kind, a.owner ?? '', a.name), a] as const));
    const items = load.model.resources.map((r) => itemFor(r, observedBy, actionBy, lastErrors));
    const summary: Record<Status, number> = { ready: 0, progressing: 0, pending: 0, 'out-of-date': 0, failed: 0 };
    for (const i of items) summary[i.status]++;
    const unmanaged = plan.unmanaged.map((o) => ({ kind: o.kind, name: o.name, owner: o.owner ?? null, externalId: o.externalId }));
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ revision: plan.revision, appliedRevision: journal.appliedRevision() ?? null, summary, items, unmanaged })}\n`);
    } else {
      const rows = items.map((i) => [i.kind, i.account ?? '-', i.name, i.status, describe(i)]);
      io.stdout.write(table(['KIND', 'ACCOUNT', 'NAME', 'STATUS', 'DETAIL'], rows));
      if (unmanaged.length > 0) io.stdout.write(`\n${unmanaged.length} unmanaged object(s) in the world, left alone: ${unmanaged.map((u) => `${u.kind} ${u.name}`).join(', ')}\n`);
      io.stdout.write(`\n${Object.entries(summary).map(([k, n]) => `${n} ${k}`).join(', ')} (revision ${plan.revision?.slice(0, 12) ?? 'working tree'}, last applied ${journal.appliedRevision()?.slice(0, 12) ?? 'never'})\n`);
    }
    return summary.ready === items.length ? ExitCode.ok : ExitCode.changes;
  },
};

const identity = (kind: string, owner: string, name: string) => `${kind}/${owner}/${name}`;

function itemFor(r: Resource, observedBy: Map<string, ObservedResource>, actionBy: Map<string, Action>, lastErrors: Map<string, string>): StatusItem {
  const id = identity(r.kind, ownerKey(r), r.name);
  const o = observedBy.get(id);
  const a = actionBy.get(id);
  const item: StatusItem = { kind: r.kind, name: r.name, account: r.tenant ?? null, status: 'ready', observed: o ? { externalId: o.externalId, ...o.status } : null };
  const error = lastErrors.get(id);
  if (a && error) {
    item.status = 'failed';
    item.lastError = error;
  } else if (o && typeof o.status.state === 'string' && TRANSITIONAL.has(o.status.state)) {
    item.status = 'progressing';
  } else if (a) {
    item.status = a.op === 'create' ? 'pending' : 'out-of-date';
  }
  if (a) item.reason = `${a.op}: ${a.reason}`;
  return item;
}

function describe(i: StatusItem): string {
  const parts: string[] = [];
  if (i.observed?.state) parts.push(String(i.observed.state));
  if (i.observed?.host) parts.push(`on ${String(i.observed.host)}`);
  if (i.reason) parts.push(i.reason);
  if (i.lastError) parts.push(`last error: ${i.lastError}`);
  return parts.join('; ');
}

/** Errors of the last apply's failed actions, by resource identity. */
function lastRunErrors(journal: ReturnType<typeof openJournal>): Map<string, string> {
  const out = new Map<string, string>();
  const run = journal.lastRun();
  if (!run) return out;
  for (const e of journal.entries(run.runId)) {
    const id = identity(e.intent.kind, e.intent.owner ?? '', e.intent.name);
    if (e.outcome && !e.outcome.ok) out.set(id, e.outcome.message ?? e.outcome.errorCode ?? 'failed');
    else if (e.outcome?.ok) out.delete(id);
  }
  return out;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
