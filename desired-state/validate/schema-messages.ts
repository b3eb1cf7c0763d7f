import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../parse/locate.js';
import { closestName, didYouMean } from './closest-name.js';
import type { DocIssue } from './doc-issue.js';
import { formatHelp } from './formats.js';
import { describeAlternatives, pickAlternatives, within } from './schema-alternatives.js';
import { conditionOf } from './schema-conditions.js';

const NAME_RULES = "letters, digits, '.', '_' and '-', starting and ending with a letter or digit, at most 63 characters";

/** Turns ajv's errors for one document into messages a person understands, one per real problem. */
export function schemaIssues(kind: string, allErrors: readonly ErrorObject[]): DocIssue[] {
  const errors = withoutTypoEchoes(pickAlternatives(allErrors));
  // oneOf/anyOf/if report "must match a schema" on top of the precise errors beneath them; keep
  // them only when nothing more precise was said about the same place.
  const precise = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword));
  const kept = errors.filter(
    (e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword) || !precise.some((p) => within(p.instancePath, e.instancePath)),
  );
  const seen = new Set<string>();
  const out: DocIssue[] = [];
  for (const e of kept) {
    const issue = toIssue(kind, e, conditionOf(e, allErrors));
    const key = `${issue.path.join('/')}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  }
  return out;
}

/**
 * A misspelt required field is one mistake, not two: `servceOffering` is reported as unknown (with
 * "did you mean serviceOffering?"), and the "missing serviceOffering" that follows from it is dropped.
 */
function withoutTypoEchoes(errors: readonly ErrorObject[]): ErrorObject[] {
  const guessed = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const props = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
    const guess = closestName(String((e.params as Record<string, unknown>).additionalProperty), props);
    if (guess) guessed.add(`${e.instancePath}\0${guess}`);
  }
  return errors.filter((e) => e.keyword !== 'required' || !guessed.has(`${e.instancePath}\0${String((e.params as Record<string, unknown>).missingProperty)}`));
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function where(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'the document';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** `when` is the condition of the if/then that raised the error, if any ("scope is Cluster"). */
function toIssue(kind: string, e: ErrorObject, when?: string): DocIssue {
  const path = pointerToPath(e.instancePath);
  const at = where(path);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const props = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
      const fieldPath = [...path, field];
      if (at === 'metadata' && (field === 'account' || field === 'project')) {
        return { path: fieldPath, target: 'key', rule: 'tenant.not-allowed', message: `${kind} is a global kind: metadata.${field} is not allowed` };
      }
      const guess = closestName(field, props);
      return {
        path: fieldPath,
        target: 'key',
        rule: 'schema.unknown-field',
        message: `unknown field "${field}" in ${at}${guess ? ` (did you mean ${guess}?)` : ''}; allowed fields: ${props.join(', ')}`,
      };
    }
    case 'required':
      return { path: [...path], target: 'key', rule: 'schema.required', message: `missing required field "${String(p.missingProperty)}" in ${at}${when ? ` (required when ${when})` : ''}` };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      return { path, rule: 'schema.enum', message: `${at} must be one of ${allowed.join(', ')} (got ${show(e.data)})${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}` };
    }
    case 'const':
      return { path, rule: 'schema.const', message: `${at} must be ${show(p.allowedValue)} (got ${show(e.data)})` };
    case 'type':
      return { path, rule: 'schema.type', message: `${at} must be ${String(p.type).replace(',', ' or ')} (got ${show(e.data)})` };
    case 'format': {
      const fmt = String(p.format);
      return { path, rule: `schema.format`, message: `${at}: ${show(e.data)} is not ${formatHelp[fmt] ?? `a valid ${fmt}`}` };
    }
    case 'pattern':
      if (path[path.length - 1] === 'name' || at.endsWith('name')) {
        return { path, rule: 'schema.name', message: `${at} ${show(e.data)} is not a valid name: ${NAME_RULES}` };
      }
      return { path, rule: 'schema.pattern', message: `${at} ${show(e.data)} does not have the expected form (${String(p.pattern)})` };
    case 'false schema':
      // The schemas forbid a field in some combinations (an L2 network has no cidr; icmp rules have no ports).
      if (when) return { path, target: 'key', rule: 'schema.not-allowed', message: `${at} is not allowed when ${when}` };
      return { path, target: 'key', rule: 'schema.not-allowed', message: `${at} is not allowed here${(e.parentSchema as { description?: string } | undefined)?.description ? ` (${(e.parentSchema as { description?: string }).description})` : ' with the other values of this mapping'}` };
    case 'oneOf':
    case 'anyOf': {
      const forms = describeAlternatives(e);
      return { path, rule: 'schema.alternatives', message: forms ? `${at} must be ${forms} (got ${show(e.data)})` : `${at} does not match any of the allowed forms` };
    }
    default:
      return { path, rule: `schema.${e.keyword}`, message: `${at} ${e.message ?? 'is invalid'}${e.data !== undefined && typeof e.data !== 'object' ? ` (got ${show(e.data)})` : ''}` };
  }
}
