import type { PathPattern } from '../desired-state/validate/schema-registry.js';
import { schemaRegistry } from '../desired-state/validate/schema-registry.js';
import type { ObservedResource } from '../providers/provider.js';
import type { Action, ActionOp, FieldDiff } from './action.js';
import { SENSITIVE } from './field-rules.js';
import { displayName, parseOwner } from './identity.js';
import type { Plan, PlanError, PlanSummary } from './plan.js';

/** Terraform's symbols where they exist; `!` for the loud orphan, `>`/`<` for power. */
export const OP_SYMBOL: Readonly<Record<ActionOp, string>> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  orphan: '!',
  start: '>',
  stop: '<',
};

const ORDERED_OPS: readonly ActionOp[] = ['create', 'update', 'replace', 'delete', 'orphan', 'start', 'stop'];

// ---- secrets ---------------------------------------------------------------------------------

const secretCache = new Map<string, (string | '*')[][]>();

/** Secret paths of a kind inside its spec (`x-cairn-secret`), from the schemas. */
function secretsOf(kind: string): (string | '*')[][] {
  let s = secretCache.get(kind);
  if (!s) {
    const patterns: readonly PathPattern[] = schemaRegistry().kinds.get(kind)?.secrets ?? [];
    s = patterns.map((p) => (p[0] === 'spec' ? p.slice(1) : [...p]));
    secretCache.set(kind, s);
  }
  return s;
}

/** `networks[0].ip` → ['networks', 0, 'ip']. */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

const segMatches = (pattern: string | '*', seg: string | number) => pattern === '*' ? typeof seg === 'number' : pattern === seg;

/** A copy of `value` with whatever lies at `pattern` (relative to it) replaced by "(sensitive)". */
function redactInside(value: unknown, pattern: readonly (string | '*')[]): unknown {
  if (value === undefined) return value;
  if (pattern.length === 0) return SENSITIVE;
  const [head, ...rest] = pattern;
  if (Array.isArray(value)) return head === '*' ? value.map((v) => redactInside(v, rest)) : value;
  if (typeof value === 'object' && value !== null && head !== '*' && head! in value) {
    return { ...(value as Record<string, unknown>), [head!]: redactInside((value as Record<string, unknown>)[head!], rest) };
  }
  return value;
}

/** A field diff with every secret value (at, below or inside its path) replaced by "(sensitive)". */
export function redactField(kind: string, f: FieldDiff): FieldDiff {
  const segs = segments(f.path);
  let out = f;
  for (const pattern of secretsOf(kind)) {
    const n = Math.min(segs.length, pattern.length);
    let prefix = true;
    for (let i = 0; i < n && prefix; i++) prefix = segMatches(pattern[i]!, segs[i]!);
    if (!prefix) continue;
    const rest = pattern.slice(segs.length);
    const copy: FieldDiff = { path: f.path };
    if (out.from !== undefined) copy.from = segs.length >= pattern.length ? SENSITIVE : redactInside(out.from, rest);
    if (out.to !== undefined) copy.to = segs.length >= pattern.length ? SENSITIVE : redactInside(out.to, rest);
    out = copy;
  }
  return out;
}

// ---- JSON ------------------------------------------------------------------------------------

export interface PlanJsonAction {
  id: string;
  op: ActionOp;
  kind: string;
  name: string;
  /** The tenant's name (account or project), null for global kinds. */
  account: string | null;
  /** Owner key (`account:acme`, `project:p`), null for global kinds. */
  owner: string | null;
  reason: string;
  fields: FieldDiff[];
  dependsOn: string[];
  destructive: boolean;
  placement?: Record<string, unknown>;
}

export interface PlanJson {
  revision: string | null;
  actions: PlanJsonAction[];
  summary: PlanSummary;
  errors: PlanError[];
  unmanaged: { kind: string; name: string; owner: string | null; externalId: string }[];
}

/** The plan as JSON-ready data: no spec, secrets redacted. */
export function planToJson(plan: Plan): PlanJson {
  return {
    revision: plan.revision,
    actions: plan.actions.map((a) => {
      const j: PlanJsonAction = {
        id: a.id,
        op: a.op,
        kind: a.kind,
        name: a.name,
        account: parseOwner(a.owner)?.name ?? null,
        owner: a.owner ?? null,
        reason: a.reason,
        fields: a.fields.map((f) => redactField(a.kind, f)),
        dependsOn: a.dependsOn,
        destructive: a.destructive,
      };
      if (a.placement) j.placement = a.placement;
      return j;
    }),
    summary: plan.summary,
    errors: plan.errors,
    unmanaged: plan.unmanaged.map((o) => ({ kind: o.kind, name: o.name, owner: o.owner ?? null, externalId: o.externalId })),
  };
}

export function renderPlanJson(plan: Plan, opts: { pretty?: boolean } = {}): string {
  return JSON.stringify(planToJson(plan), null, opts.pretty ? 2 : undefined);
}

// ---- text ------------------------------------------------------------------------------------

export interface RenderTextOptions {
  /** ANSI colours (for a terminal). */
  color?: boolean;
  /** Print at most this many actions, then a count of the rest (default: all). */
  maxActions?: number;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', magenta: '\x1b[35m', cyan: '\x1b[36m', bold: '\x1b[1m', reset: '\x1b[0m' };
const OP_COLOR: Readonly<Record<ActionOp, string>> = {
  create: ANSI.green,
  update: ANSI.yellow,
  replace: ANSI.magenta,
  delete: ANSI.red,
  orphan: ANSI.bold + ANSI.yellow,
  start: ANSI.cyan,
  stop: ANSI.cyan,
};

function show(v: unknown): string {
  if (v === SENSITIVE) return SENSITIVE;
  if (v === undefined) return '(none)';
  return JSON.stringify(v) ?? String(v);
}

function fieldLine(f: FieldDiff): string {
  if (f.from === undefined) return `+ ${f.path}: ${show(f.to)}`;
  if (f.to === undefined) return `- ${f.path}: ${show(f.from)}`;
  return `~ ${f.path}: ${show(f.from)} → ${show(f.to)}`;
}

/** One action as its lines (no colour): the header line, then its field diffs and placement. */
export function actionLines(a: Action): string[] {
  const who = displayName(a.kind, a.owner, a.name);
  let head = `${OP_SYMBOL[a.op].padStart(3)} ${a.op.padEnd(7)} ${who} (${a.reason})`;
  if (a.destructive) head += ' [destructive]';
  if (a.op === 'orphan') head += ' — DATA KEPT, NO LONGER MANAGED';
  const lines = [head];
  for (const f of a.fields) lines.push(`        ${fieldLine(redactField(a.kind, f))}`);
  if (a.placement) {
    const parts = Object.entries(a.placement)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k} ${String(v)}`);
    if (parts.length) lines.push(`        placement: ${parts.join(', ')}`);
  }
  return lines;
}

/** `Plan: 3 to create, 1 to update, 2 to orphan (1 destructive).` */
export function summaryLine(s: PlanSummary): string {
  const parts = ORDERED_OPS.filter((op) => s[op] > 0).map((op) => `${s[op]} to ${op}`);
  if (parts.length === 0) return 'No changes. The world matches git.';
  return `Plan: ${parts.join(', ')}${s.destructive ? ` (${s.destructive} destructive)` : ''}.`;
}

function unmanagedLine(o: ObservedResource): string {
  return `  ? ${displayName(o.kind, o.owner, o.name)} (${o.externalId})`;
}

/**
 * The plan for a person, like terraform's: one line per action with its symbol, identity and reason,
 * field diffs indented below (secrets as "(sensitive)"), destructive ones flagged, orphans said
 * loudly; then the objects left alone, the errors, and the summary line.
 */
export function renderPlanText(plan: Plan, opts: RenderTextOptions = {}): string {
  const c = (color: string, text: string) => (opts.color ? `${color}${text}${ANSI.reset}` : text);
  const out: string[] = [];
  const max = opts.maxActions ?? Infinity;
  plan.actions.slice(0, max).forEach((a) => {
    const [head, ...rest] = actionLines(a);
    let line = c(OP_COLOR[a.op], head!);
    if (opts.color && a.destructive) line = line.replace('[destructive]', `${ANSI.red}${ANSI.bold}[destructive]${ANSI.reset}`);
    out.push(line, ...rest);
  });
  if (plan.actions.length > max) out.push(`    … and ${plan.actions.length - max} more actions`);
  if (plan.summary.orphan > 0) {
    out.push(
      '',
      c(
        OP_COLOR.orphan,
        `! ${plan.summary.orphan} object${plan.summary.orphan === 1 ? '' : 's'} will be orphaned: the data stays in the world and cairn stops managing it. ` +
          'Delete it by hand, or set deletionPolicy: Delete before removing it from git to have cairn delete it.',
      ),
    );
  }
  if (plan.unmanaged.length > 0) {
    out.push('', `Unmanaged: ${plan.unmanaged.length} object${plan.unmanaged.length === 1 ? '' : 's'} in the world without cairn's identity, left alone:`);
    out.push(...plan.unmanaged.slice(0, max).map(unmanagedLine));
    if (plan.unmanaged.length > max) out.push(`    … and ${plan.unmanaged.length - max} more`);
  }
  if (plan.errors.length > 0) {
    out.push('', c(ANSI.red, `Errors: this plan cannot be applied (${plan.errors.length}):`));
    for (const e of plan.errors) out.push(c(ANSI.red, `  ✗ ${e.code}: ${e.message}`));
  }
  if (out.length > 0) out.push('');
  out.push(c(ANSI.bold, summaryLine(plan.summary)));
  return out.join('\n') + '\n';
}

/** The plan for a pull-request comment: a summary heading and a `diff` block GitHub colours. */
export function renderPlanMarkdown(plan: Plan, opts: { maxActions?: number } = {}): string {
  const max = opts.maxActions ?? 500;
  const out = [`#### cairn plan${plan.revision ? ` for \`${plan.revision.slice(0, 12)}\`` : ''}`, '', `**${summaryLine(plan.summary)}**`];
  if (plan.actions.length > 0) {
    // In a diff block a line starting with "-" shows red and "+" green; other ops get a leading space.
    const lines = plan.actions.slice(0, max).flatMap((a) => actionLines(a).map((l, i) => (i === 0 ? l.trimStart() : l)));
    if (plan.actions.length > max) lines.push(`… and ${plan.actions.length - max} more actions`);
    out.push('', '```diff', ...lines.map((l) => (/^[-+!]/.test(l) ? l : ` ${l}`)), '```');
  }
  if (plan.errors.length > 0) {
    out.push('', '**Errors: this plan cannot be applied**', '', ...plan.errors.map((e) => `- \`${e.code}\`: ${e.message}`));
  }
  if (plan.unmanaged.length > 0) {
    out.push('', `<details><summary>${plan.unmanaged.length} unmanaged object(s), left alone</summary>`, '');
    out.push(...plan.unmanaged.slice(0, max).map((o) => `- ${displayName(o.kind, o.owner, o.name)} (\`${o.externalId}\`)`), '', '</details>');
  }
  return out.join('\n') + '\n';
}
