import type { DesiredStateSource, SourceFile } from './source/source.js';

/** Yields each file's bytes in order while up to `window` reads run ahead, so parsing never waits on I/O. */
export async function* readAhead(source: DesiredStateSource, files: readonly SourceFile[], window = 16): AsyncGenerator<[SourceFile, Uint8Array]> {
  const pending: Promise<Uint8Array>[] = [];
  let next = 0;
  for (let i = 0; i < files.length; i++) {
    while (next < files.length && pending.length < window) pending.push(source.read(files[next++]!));
    yield [files[i]!, await pending.shift()!];
  }
}
