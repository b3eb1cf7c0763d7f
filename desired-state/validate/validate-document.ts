import type { ErrorObject } from 'ajv';
import { API_VERSION, KINDS, type Kind } from '../model.js';
import { closestName } from './closest-name.js';
import type { DocIssue } from './doc-issue.js';
import { schemaIssues } from './schema-messages.js';
import type { SchemaRegistry } from './schema-registry.js';

/** What the loader keeps of one document after checking it on its own. Plain data: it is cached. */
export interface DocRecord {
  index: number;
  kind?: Kind;
  name?: string;
  tenant?: string;
  tenantType?: 'account' | 'project';
  /** True when the document passed every single-document check. */
  valid: boolean;
  value?: unknown;
  issues: DocIssue[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one document on its own: envelope, kind, schema, tenancy. */
export function validateDocument(value: unknown, index: number, registry: SchemaRegistry): DocRecord | undefined {
  if (value === null || value === undefined) return undefined; // an empty document (`---` alone)
  const rec: DocRecord = { index, valid: false, value, issues: [] };
  if (!isObject(value)) {
    rec.issues.push({ path: [], rule: 'document.not-mapping', message: 'a document must be a mapping with apiVersion, kind, metadata and spec' });
    return rec;
  }
  const badApiVersion = value.apiVersion !== API_VERSION;
  if (badApiVersion) {
    rec.issues.push(
      value.apiVersion === undefined
        ? { path: [], rule: 'document.api-version', message: `missing apiVersion: every document starts with apiVersion: ${API_VERSION}` }
        : { path: ['apiVersion'], rule: 'document.api-version', message: `apiVersion must be ${API_VERSION} (got ${JSON.stringify(value.apiVersion)})` },
    );
  }
  const kind = value.kind;
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  if (typeof metadata?.name === 'string') rec.name = metadata.name;
  if (typeof kind !== 'string') {
    rec.issues.push(
      kind === undefined
        ? { path: [], rule: 'kind.missing', message: `missing kind: one of ${KINDS.join(', ')}` }
        : { path: ['kind'], rule: 'kind.missing', message: `kind must be a string naming one of ${KINDS.join(', ')} (got ${describeValue(kind)})` },
    );
    return rec;
  }
  const schema = registry.kinds.get(kind);
  if (!schema) {
    const guess = closestName(kind, KINDS);
    rec.issues.push({ path: ['kind'], rule: 'kind.unknown', message: `unknown kind "${kind}"${guess ? ` (did you mean ${guess}?)` : ''}; known kinds: ${KINDS.join(', ')}` });
    return rec;
  }
  rec.kind = kind as Kind;
  if (!schema.validate(value)) {
    // Every schema pins apiVersion too; the envelope check above has already said it, better.
    const errors = (schema.validate.errors ?? []).filter((e) => !badApiVersion || !isAboutApiVersion(e));
    rec.issues.push(...schemaIssues(kind, errors));
  }

  if (schema.scope === 'tenant' && metadata) {
    const account = typeof metadata.account === 'string' ? metadata.account : undefined;
    const project = typeof metadata.project === 'string' ? metadata.project : undefined;
    if (account && project) {
      rec.issues.push({ path: ['metadata', 'project'], target: 'key', rule: 'tenant.both', message: `${kind} ${rec.name ?? ''} names both an account and a project; a resource belongs to exactly one` });
    } else if (!account && !project) {
      rec.issues.push({ path: ['metadata'], target: 'key', rule: 'tenant.missing', message: `${kind} is owned by a tenant: set metadata.account (or metadata.project)` });
    }
    rec.tenant = account ?? project;
    rec.tenantType = account ? 'account' : project ? 'project' : undefined;
  }
  rec.valid = rec.issues.length === 0;
  return rec;
}

function isAboutApiVersion(e: ErrorObject): boolean {
  return e.instancePath === '/apiVersion' || (e.instancePath === '' && e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'apiVersion');
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}
