import type { ErrorObject } from 'ajv';
import { within } from './schema-alternatives.js';

type JsonSchema = Record<string, unknown>;

/**
 * For an error raised by the `then` of an if/then (a PrimaryStorage with `scope: Cluster` must name
 * its cluster; an L2 network has no cidr), the condition in words, "scope is Cluster", so that the
 * message does not call a field required, or forbidden, without saying when. ajv reports the `if`
 * beside the error (with `verbose`, carrying the schema holding it), which is where the condition
 * is read from.
 */
export function conditionOf(e: ErrorObject, errors: readonly ErrorObject[]): string | undefined {
  const at = e.schemaPath.lastIndexOf('/then/');
  if (at < 0) return undefined;
  const ifPath = `${e.schemaPath.slice(0, at)}/if`;
  const cond = errors.find((x) => x.keyword === 'if' && x.schemaPath === ifPath && within(e.instancePath, x.instancePath));
  const ifSchema = (cond?.parentSchema as JsonSchema | undefined)?.if;
  return typeof ifSchema === 'object' && ifSchema !== null ? describeCondition(ifSchema as JsonSchema) : undefined;
}

function describeCondition(s: JsonSchema): string | undefined {
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (!props) return undefined;
  const parts: string[] = [];
  for (const [field, p] of Object.entries(props)) {
    if ('const' in p) parts.push(`${field} is ${String(p.const)}`);
    else if (Array.isArray(p.enum)) parts.push(`${field} is ${p.enum.map(String).join(' or ')}`);
    else return undefined;
  }
  return parts.length > 0 ? parts.join(' and ') : undefined;
}
