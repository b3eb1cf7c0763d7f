/**
 * Generates schemas/types.generated.ts from the JSON Schemas in this folder.
 *
 *   node --import tsx schemas/generate-types.ts           write the file
 *   node --import tsx schemas/generate-types.ts --check   exit 1 when the committed file is stale
 *
 * All kind schemas and the common definitions are bundled into one schema and compiled once, so a
 * shared definition (TenantMetadata, TrafficRule, ...) is declared once instead of once per kind.
 * Constraint-only keywords (if/then, dependentRequired, "exactly one of" oneOf, propertyNames) say
 * nothing about the shape of the data and only confuse the type generator, so they are dropped here;
 * the schemas keep enforcing them at load time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { KINDS } from '../desired-state/model.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const schemasDir = path.dirname(fileURLToPath(import.meta.url));
const outFile = path.join(schemasDir, 'types.generated.ts');
const COMMON = 'common.schema.json';
const COMMON_REF = /^common\.schema\.json#\/\$defs\/(.+)$/;
const CONSTRAINT_ONLY_KEYWORDS = ['if', 'then', 'else', 'not', 'dependentRequired', 'dependentSchemas', 'propertyNames'];

const BANNER = `/* eslint-disable */
/**
 * GENERATED FILE, DO NOT EDIT.
 * Source: schemas/*.schema.json. Regenerate with \`npm run generate\`; \`npm run check:generated\` fails when stale.
 * Defaults (\`@default\`) are documentation: nothing applies them at validation time.
 */`;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readSchemas(): Map<string, JsonObject> {
  const files = fs.readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort();
  const out = new Map<string, JsonObject>();
  for (const f of files) {
    const parsed = JSON.parse(fs.readFileSync(path.join(schemasDir, f), 'utf8')) as Json;
    if (!isObject(parsed)) throw new Error(`${f}: not a JSON object`);
    out.set(f, parsed);
  }
  if (!out.has(COMMON)) throw new Error(`${COMMON} is missing`);
  return out;
}

/** A `oneOf`/`anyOf` whose branches carry no shape of their own, e.g. `[{required: [a]}, {required: [b]}]`. */
function isConstraintOnly(branches: Json[]): boolean {
  return branches.every((b) => isObject(b) && b.type === undefined && b.$ref === undefined && b.const === undefined && b.enum === undefined);
}

function withTags(description: Json | undefined, tags: string[]): string {
  const text = typeof description === 'string' ? description : '';
  return [text, tags.join('\n')].filter(Boolean).join('\n\n');
}

/** Rewrites one schema node for the type generator; returns a fresh object and leaves the input alone. */
function prepare(node: Json, file: string, commonTitles: ReadonlyMap<string, string>): Json {
  if (Array.isArray(node)) return node.map((n) => prepare(n, file, commonTitles));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id' || key.startsWith('x-cairn-')) continue;
    if (CONSTRAINT_ONLY_KEYWORDS.includes(key)) continue;
    if ((key === 'oneOf' || key === 'anyOf' || key === 'allOf') && Array.isArray(value) && isConstraintOnly(value)) continue;
    if (key === '$ref' && typeof value === 'string') {
      // A `$ref` with siblings (a field's own description) makes the ref parser copy its target,
      // which is then declared twice (Foo and Foo1). Naming the declared type directly keeps both
      // the field's doc comment and a single declaration.
      const m = COMMON_REF.exec(value);
      const title = m ? commonTitles.get(m[1]!) : undefined;
      if (!title) throw new Error(`${file}: unsupported $ref ${value} (only common.schema.json#/$defs/<titled definition>)`);
      out.tsType = title;
      continue;
    }
    out[key] = prepare(value, file, commonTitles);
  }
  const tags: string[] = [];
  if (node.default !== undefined) tags.push(`@default ${JSON.stringify(node.default)}`);
  if (typeof node['x-cairn-ref'] === 'string') tags.push(`@reference ${node['x-cairn-ref']}`);
  if (node['x-cairn-secret'] === true) tags.push('@secret redacted in logs, plans and the dashboard');
  if (tags.length) out.description = withTags(out.description, tags);
  return out;
}

const COMPILE_OPTIONS = {
  additionalProperties: false,
  declareExternallyReferenced: true,
  unreachableDefinitions: false,
  ignoreMinAndMaxItems: true,
  strictIndexSignatures: true,
  enableConstEnums: false,
  unknownAny: true,
  format: true,
  style: { printWidth: 120, singleQuote: true, tabWidth: 2, semi: true, trailingComma: 'all', bracketSpacing: true, endOfLine: 'lf' },
  $refOptions: { resolve: { external: false } },
} as const;

export async function generate(): Promise<string> {
  const schemas = readSchemas();
  const common = schemas.get(COMMON)!;
  const commonDefs = common.$defs;
  if (!isObject(commonDefs)) throw new Error(`${COMMON}: no $defs`);

  const commonTitles = new Map<string, string>();
  for (const [name, def] of Object.entries(commonDefs)) {
    if (!isObject(def) || typeof def.title !== 'string') throw new Error(`${COMMON}: $defs/${name} needs a title (it names the TypeScript type)`);
    commonTitles.set(name, def.title);
  }

  // The schemas are the source of truth for kinds; desired-state/model.ts must list the same ones.
  const fileKinds = [...schemas.keys()].filter((f) => f !== COMMON).map((f) => f.slice(0, -'.schema.json'.length));
  const missing = KINDS.filter((k) => !fileKinds.includes(k));
  const extra = fileKinds.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (missing.length || extra.length) {
    throw new Error(
      `schemas/ and KINDS in desired-state/model.ts disagree: ` +
        `${missing.length ? `no schema for ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}` +
        `${extra.length ? `not in KINDS: ${extra.join(', ')}` : ''}`,
    );
  }

  const kindDefs: JsonObject = {};
  for (const kind of KINDS) {
    const schema = schemas.get(`${kind}.schema.json`)!;
    if (schema.title !== kind) throw new Error(`${kind}.schema.json: title must be "${kind}"`);
    if (commonTitles.has(kind) || [...commonTitles.values()].includes(kind)) throw new Error(`${COMMON}: a definition collides with kind ${kind}`);
    kindDefs[kind] = prepare(schema, `${kind}.schema.json`, commonTitles);
  }
  const sharedDefs: JsonObject = {};
  for (const [name, def] of Object.entries(commonDefs)) sharedDefs[name] = prepare(def, COMMON, commonTitles);

  // Two compilations: the documents (a union of the kinds), then the shared definitions, which the
  // kinds name through tsType. The second root lists every definition so each is declared once.
  const documents = await compile(
    { title: 'CairnDocument', description: 'Any cairn.dev/v1 document.', oneOf: KINDS.map((k) => ({ $ref: `#/$defs/${k}` })), $defs: kindDefs } as JSONSchema,
    'CairnDocument',
    { ...COMPILE_OPTIONS, bannerComment: BANNER },
  );
  const shared = await compile(
    {
      title: 'CommonDefinitions',
      description: 'Every definition of common.schema.json, by its key there.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(sharedDefs).map((name) => [name, { $ref: `#/$defs/${name}` }])),
      $defs: sharedDefs,
    } as JSONSchema,
    'CommonDefinitions',
    { ...COMPILE_OPTIONS, bannerComment: '' },
  );

  const lines = [
    documents.trimEnd(),
    '',
    shared.trim(),
    '',
    '/** The document type of each kind. */',
    'export interface DocumentByKind {',
    ...KINDS.map((k) => `  ${k}: ${k};`),
    '}',
    '',
    '/** The spec type of each kind. */',
    "export type SpecByKind = { [K in keyof DocumentByKind]: DocumentByKind[K]['spec'] };",
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const generated = await generate();
  const rel = path.relative(process.cwd(), outFile) || outFile;
  if (!check) {
    fs.writeFileSync(outFile, generated);
    console.log(`wrote ${rel}`);
    return;
  }
  const committed = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : undefined;
  if (committed === generated) {
    console.log(`${rel} is up to date`);
    return;
  }
  if (committed === undefined) {
    console.error(`${rel} is missing: run \`npm run generate\` and commit the result.`);
  } else {
    const a = committed.split('\n');
    const b = generated.split('\n');
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line++;
    console.error(
      `${rel} is out of date with schemas/*.schema.json: run \`npm run generate\` and commit the result.\n` +
        `first difference at line ${line + 1}:\n  committed: ${a[line] ?? '<end of file>'}\n  generated: ${b[line] ?? '<end of file>'}`,
    );
  }
  process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
