import type { ValidationIssue } from './model.js';
import { SourceLocator, type PathSegment } from './parse/locate.js';
import type { DesiredStateSource, SourceFile } from './source/source.js';

/** Where a cross-document issue sits, before its line and column are known. */
export interface Site {
  file: string;
  docIndex: number;
  path: PathSegment[];
  target?: 'key' | 'value';
}

export interface SitedIssue {
  site: Site;
  kind: string;
  name: string;
  rule: string;
  /** May hold `{related}`, replaced by the related site's file:line:col. */
  message: string;
  related?: Site;
}

/**
 * Turns sites into line:column. Only files that have something to report are read again and
 * parsed with the position-keeping parser, each once.
 */
export async function locateIssues(issues: readonly SitedIssue[], source: DesiredStateSource, files: readonly SourceFile[]): Promise<ValidationIssue[]> {
  if (issues.length === 0) return [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const locators = new Map<string, SourceLocator>();
  const locatorFor = async (file: string): Promise<SourceLocator> => {
    let l = locators.get(file);
    if (!l) {
      l = new SourceLocator(new TextDecoder().decode(await source.read(byPath.get(file)!)));
      locators.set(file, l);
    }
    return l;
  };
  const out: ValidationIssue[] = [];
  for (const i of issues) {
    const pos = (await locatorFor(i.site.file)).locate(i.site.docIndex, i.site.path, i.site.target);
    let message = i.message;
    if (i.related) {
      const r = i.related;
      const rp = (await locatorFor(r.file)).locate(r.docIndex, r.path, r.target);
      message = message.replace('{related}', `${r.file}:${rp.line}:${rp.column}`);
    }
    out.push({ file: i.site.file, line: pos.line, column: pos.column, kind: i.kind, name: i.name, rule: i.rule, message });
  }
  return out;
}

/** File, line, column, then rule and message: the same order whichever way the errors were found. */
export function byPosition(a: ValidationIssue, b: ValidationIssue): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
