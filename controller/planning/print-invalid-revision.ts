import type { LoadResult } from '../../desired-state/model.js';
import type { CommandIO } from '../cli/command.js';
import { formatIssue } from '../cli/format-issues.js';

/** An invalid revision: every error, then why nothing was planned. */
export function printInvalidRevision(load: LoadResult, command: string, io: CommandIO): void {
  for (const e of load.errors) io.stderr.write(`${formatIssue(e)}\n`);
  io.stderr.write(`cairn ${command}: the revision has ${load.errors.length} error${load.errors.length === 1 ? '' : 's'}; nothing of it is planned or applied\n`);
}
