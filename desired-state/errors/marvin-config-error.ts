import { CairnError } from './cairn-error.js';

/** One problem in a Marvin config: a JSON path (`zones[0].pods[1].clusters[0].hypervisor`) or a line and column. */
export interface MarvinConfigProblem {
  /** JSON path of the offending value; empty for problems of the whole file or of its syntax. */
  path: string;
  message: string;
  /** Set for JSON syntax errors, 1-based. */
  line?: number;
  column?: number;
}

/**
 * A Marvin config that cairn cannot import: bad JSON, a missing or malformed value, or something
 * cairn has no equivalent for (an unknown hypervisor). Every problem of the file is listed, each
 * naming the file and the JSON path (or line and column), so one run shows everything to fix.
 */
export class MarvinConfigError extends CairnError {
  constructor(readonly file: string, readonly problems: readonly MarvinConfigProblem[]) {
    super('MARVIN_CONFIG_INVALID', problems.map((p) => formatMarvinProblem(file, p)).join('\n'));
  }
}

export function formatMarvinProblem(file: string, p: MarvinConfigProblem): string {
  if (p.line !== undefined) return `${file}:${p.line}:${p.column ?? 1}: ${p.message}`;
  return p.path ? `${file}: ${p.path}: ${p.message}` : `${file}: ${p.message}`;
}
