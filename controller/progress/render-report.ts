import type { Action } from '../../reconcilers/action.js';
import type { ExecutionReport } from '../executor/execution-report.js';
import { actionLabel, formatDuration, formatRate } from './action-label.js';

export interface RenderReportOptions {
  /** The plan's actions, to name them as a person would (`create VirtualMachine acme/web-1`); ids otherwise. */
  actions?: readonly Action[];
  /** Lines listed per section before "… and N more". Default 20. */
  limit?: number;
}

/**
 * The end of an apply, for a person: one summary line, then what failed and why, what was skipped
 * because of which failure, what never started, and what met a changed world. Ends with a newline.
 */
export function renderReport(report: ExecutionReport, options: RenderReportOptions = {}): string {
  const limit = options.limit ?? 20;
  const byId = new Map(options.actions?.map((a) => [a.id, a]));
  const label = (id: string) => {
    const action = byId.get(id);
    return action ? actionLabel(action) : id;
  };
  const lines: string[] = [];

  const counts = [`${report.succeeded.length} succeeded`];
  if (report.failed.length > 0) counts.push(`${report.failed.length} failed`);
  if (report.skipped.length > 0) counts.push(`${report.skipped.length} skipped`);
  if (report.notStarted.length > 0) counts.push(`${report.notStarted.length} not started`);
  const verdict = report.cancelled ? 'Apply cancelled' : report.failed.length > 0 ? 'Apply finished with errors' : 'Apply complete';
  const rate = report.actionsPerSecond > 0 ? `, ${formatRate(report.actionsPerSecond)} actions/s` : '';
  lines.push(`${verdict}: ${counts.join(', ')} in ${formatDuration(report.durationMs)}${rate}.`);

  if (report.failed.length > 0) {
    lines.push('', `Failed (${report.failed.length}):`);
    for (const f of report.failed.slice(0, limit)) {
      const attempts = f.attempts === 1 ? '1 attempt' : `${f.attempts} attempts`;
      lines.push(`  ✗ ${label(f.id)}: ${f.error} [${f.code}, ${attempts}]`);
    }
    more(lines, report.failed.length, limit);
  }

  if (report.skipped.length > 0) {
    // Grouped by the failure that caused them: "the VM failed, so its 3 volumes were not made".
    const groups = new Map<string, string[]>();
    for (const s of report.skipped) {
      const group = groups.get(s.reason);
      if (group) group.push(s.id);
      else groups.set(s.reason, [s.id]);
    }
    lines.push('', `Skipped because an action they depend on failed (${report.skipped.length}):`);
    for (const [reason, ids] of groups) {
      const cause = reason.startsWith('dependency failed: ') ? `${label(reason.slice('dependency failed: '.length))} failed` : reason;
      lines.push(`  ↷ ${cause}, so ${ids.length === 1 ? 'this was' : `these ${ids.length} were`} skipped:`);
      for (const id of ids.slice(0, limit)) lines.push(`      ${label(id)}`);
      more(lines, ids.length, limit, '      ');
    }
  }

  if (report.notStarted.length > 0) {
    lines.push('', `Not started (${report.notStarted.length})${report.cancelled ? ': the apply was cancelled first' : ''}:`);
    for (const id of report.notStarted.slice(0, limit)) lines.push(`  · ${label(id)}`);
    more(lines, report.notStarted.length, limit);
  }

  if (report.conflicts.length > 0) {
    lines.push('', `The world changed under ${report.conflicts.length} action${report.conflicts.length === 1 ? '' : 's'} (conflicts); run plan again to see where things stand:`);
    for (const c of report.conflicts.slice(0, limit)) lines.push(`  ! ${label(c.id)} (${c.count} conflict${c.count === 1 ? '' : 's'})`);
    more(lines, report.conflicts.length, limit);
  }

  if (report.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of report.warnings.slice(0, limit)) lines.push(`  ${w}`);
    more(lines, report.warnings.length, limit);
  }
  return `${lines.join('\n')}\n`;
}

function more(lines: string[], total: number, limit: number, indent = '  '): void {
  if (total > limit) lines.push(`${indent}… and ${total - limit} more`);
}
