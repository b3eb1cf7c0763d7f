import { stringify } from 'yaml';
import type { ImportedFile } from './marvin.js';

/** The YAML of one zone: a header saying where it came from and where the passwords are, then the documents. */
export function renderImportedFile(source: string, imported: ImportedFile): string {
  const header = [
    `Imported from ${source.replace(/[\r\n]+/g, ' ')} by \`cairn import marvin\` (zone ${imported.zone}).`,
    'Review it before committing: the import listed on stderr what it did not carry over.',
  ];
  if (imported.passwordEnv.length > 0) {
    header.push(
      '',
      'Host passwords are not stored here. Each Host reads its password from the environment',
      'variable named in spec.passwordFrom.env; set these where cairn runs:',
      ...imported.passwordEnv.map((v) => `  ${v}`),
    );
  }
  const head = header.map((l) => (l ? `# ${l}` : '#')).join('\n');
  const docs = imported.documents.map((doc) => stringify(doc, { lineWidth: 0 }));
  return `${head}\n${docs.join('---\n')}`;
}
