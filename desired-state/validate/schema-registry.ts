import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft7 from 'ajv';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import type { Kind } from '../model.js';
import { isCron, parseCidr, parsePortRange, parseVlanRange } from './formats.js';

type JsonSchema = Record<string, unknown>;
/** A path pattern inside a document; '*' stands for any array index. */
export type PathPattern = readonly (string | '*')[];

export interface KindSchema {
  kind: Kind;
  scope: 'global' | 'tenant';
  stateful: boolean;
  schema: JsonSchema;
  validate: ValidateFunction;
  /** Fields that name another resource (`x-cairn-ref`). */
  references: { path: PathPattern; kind: Kind }[];
  /** Fields holding secrets (`x-cairn-secret`), to redact. */
  secrets: PathPattern[];
}

export interface SchemaRegistry {
  kinds: Map<string, KindSchema>;
  /** Digest of every schema file: part of the cache key. */
  digest: string;
  /** Resolves a `$ref` (relative to a kind schema) to the schema it names. */
  resolve(ref: string): JsonSchema | undefined;
}

export const CUSTOM_KEYWORDS = ['x-cairn-scope', 'x-cairn-ref', 'x-cairn-secret', 'x-cairn-stateful'] as const;

/** The folder holding the JSON Schemas, found from this module in source and in dist/ alike. */
export function schemasDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'schemas');
    if (fs.existsSync(path.join(candidate, 'common.schema.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('schemas/ folder not found next to the cairn package');
}

let registry: SchemaRegistry | undefined;

/** Compiles every kind schema once per process. */
export function schemaRegistry(): SchemaRegistry {
  if (registry) return registry;
  const dir = schemasDir();
  const docs = new Map<string, JsonSchema>();
  const hash = createHash('sha1');
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    hash.update(f).update('\0').update(text);
    docs.set(f, JSON.parse(text) as JsonSchema);
  }
  const common = docs.get('common.schema.json');
  const is2020 = String(common?.$schema ?? '').includes('2020-12');
  const AjvClass = (is2020 ? Ajv2020 : AjvDraft7) as unknown as typeof AjvDraft7.default;
  // validateSchema: false: checking cairn's own schemas against the 2020-12 meta-schema compiled
  // that meta-schema on every run (60 ms of a 340 ms one-file check). test/schemas does it instead.
  const ajv = new AjvClass({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false });
  (addFormats as unknown as typeof addFormats.default)(ajv, ['ipv4', 'uri', 'hostname']);
  ajv.addFormat('cidr', (s: string) => parseCidr(s) !== undefined);
  ajv.addFormat('port-range', (s: string) => parsePortRange(s) !== undefined);
  ajv.addFormat('vlan-range', (s: string) => parseVlanRange(s) !== undefined);
  ajv.addFormat('cron', isCron);
  for (const k of CUSTOM_KEYWORDS) ajv.addKeyword({ keyword: k, schemaType: ['string', 'boolean'] });
  for (const [, schema] of docs) ajv.addSchema(schema);

  const byId = new Map<string, JsonSchema>();
  for (const [, s] of docs) byId.set(String(s.$id), s);
  const resolve = (ref: string, base?: string): JsonSchema | undefined => {
    const [file, pointer] = ref.split('#');
    const id = file ? new URL(file, base ?? String(common?.$id)).href : base;
    let node: unknown = id ? byId.get(id) : undefined;
    for (const seg of (pointer ?? '').split('/').filter(Boolean)) node = (node as JsonSchema | undefined)?.[seg];
    return node as JsonSchema | undefined;
  };

  const kinds = new Map<string, KindSchema>();
  for (const [file, schema] of docs) {
    if (file === 'common.schema.json') continue;
    const kind = file.replace('.schema.json', '') as Kind;
    const references: KindSchema['references'] = [];
    const secrets: PathPattern[] = [];
    walkSchema(schema, [], String(schema.$id), resolve, (node, at) => {
      if (typeof node['x-cairn-ref'] === 'string') references.push({ path: at, kind: node['x-cairn-ref'] as Kind });
      if (node['x-cairn-secret'] === true) secrets.push(at);
    });
    let validate: ValidateFunction | undefined;
    kinds.set(kind, {
      kind,
      scope: schema['x-cairn-scope'] === 'tenant' ? 'tenant' : 'global',
      stateful: schema['x-cairn-stateful'] === true,
      schema,
      // Compiled on first use: compiling all 25 costs a third of a second, and a commit that
      // changes one file needs one of them.
      get validate() {
        validate ??= ajv.getSchema(String(schema.$id));
        if (!validate) throw new Error(`schema ${file} did not compile`);
        return validate;
      },
      references,
      secrets,
    });
  }
  registry = { kinds, digest: hash.digest('hex'), resolve: (ref) => resolve(ref) };
  return registry;
}

function walkSchema(
  node: JsonSchema,
  at: (string | '*')[],
  base: string,
  resolve: (ref: string, base?: string) => JsonSchema | undefined,
  visit: (node: JsonSchema, at: PathPattern) => void,
  depth = 0,
): void {
  if (depth > 30) return;
  visit(node, at);
  if (typeof node.$ref === 'string') {
    const target = resolve(node.$ref, base);
    if (target) walkSchema(target, at, base, resolve, visit, depth + 1);
  }
  const props = node.properties as Record<string, JsonSchema> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) walkSchema(v, [...at, k], base, resolve, visit, depth + 1);
  if (node.items && typeof node.items === 'object') walkSchema(node.items as JsonSchema, [...at, '*'], base, resolve, visit, depth + 1);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const sub of (node[key] as JsonSchema[] | undefined) ?? []) walkSchema(sub, at, base, resolve, visit, depth + 1);
  }
}
