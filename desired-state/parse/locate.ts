import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { LineIndex } from './line-index.js';

export type PathSegment = string | number;
export interface Position { line: number; column: number }

/**
 * Finds line and column of a node inside a file's text. Built on the `yaml` package, which keeps
 * source ranges; it is slower than the loader's fast parser, so it runs only for files that have
 * something to report.
 */
export class SourceLocator {
  private docs?: Document.Parsed[];
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  /**
   * Position of `path` inside document `docIndex`: the value node, or its key when `target` is
   * 'key' (an unknown field is best shown on its name). A path that does not exist (a missing
   * field) resolves to the deepest node that does, shown on its key.
   */
  locate(docIndex: number, path: readonly PathSegment[], target: 'value' | 'key' = 'value'): Position {
    const doc = this.parsed()[docIndex];
    if (!doc) return { line: 1, column: 1 };
    let node: unknown = doc.contents;
    let valuePos = this.start(node as Node | null) ?? this.pos(doc.range[0]);
    let keyPos: Position | undefined;
    for (const seg of path) {
      node = isAlias(node) ? node.resolve(doc) : node;
      let next: unknown;
      let nextKey: Position | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return keyPos ?? valuePos;
        nextKey = this.start(pair.key as Node);
        next = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        next = node.items[seg];
      } else {
        return keyPos ?? valuePos;
      }
      keyPos = nextKey;
      // A key with no value (`zone:`) has no node of its own: show the key.
      valuePos = this.start(next as Node | null) ?? nextKey ?? valuePos;
      node = next;
    }
    return target === 'key' ? keyPos ?? valuePos : valuePos;
  }

  private parsed(): Document.Parsed[] {
    this.docs ??= parseAllDocuments(this.text, { uniqueKeys: false }) as Document.Parsed[];
    return Array.isArray(this.docs) ? this.docs : [];
  }

  private start(node: Node | null | undefined): Position | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.pos(offset);
  }

  private pos(offset: number): Position {
    return this.lines.position(offset);
  }
}
