import * as jsYaml from 'js-yaml';

/*
 * js-yaml's CORE_SCHEMA reads some YAML 1.1 forms as numbers (`0b101`, `-0x1`, `1_000`) that
 * YAML 1.2's core schema, which the `yaml` package follows, reads as strings. cairn parses a file
 * with whichever of the two is right for it, so both must give every plain scalar the same meaning:
 * this schema is YAML 1.2 core, exactly.
 */

const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;

/*
 * Every plain scalar of every file is offered to each type's resolve: most are names and words, so
 * a look at the first character turns them away before any regular expression runs.
 */
const couldBeNumber = (s: string): boolean => {
  const c = s.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // 0-9 + - .
};
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const int = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && couldBeNumber(s) && INT.test(s),
  construct: (s: string) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
});

const float = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && couldBeNumber(s) && FLOAT.test(s) && !INT.test(s),
  construct: (s: string) => {
    const lower = s.toLowerCase();
    if (lower.endsWith('.inf')) return s.startsWith('-') ? -Infinity : Infinity;
    if (lower === '.nan') return NaN;
    return parseFloat(s);
  },
  predicate: (v: unknown) => typeof v === 'number',
});

const NULL = /^(?:~|null|Null|NULL)?$/;
const nul = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string | null) => s === null || s.length <= 4 && NULL.test(s),
  construct: () => null,
  predicate: (v: unknown) => v === null,
});

const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const bool = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && (s.length === 4 || s.length === 5) && BOOL.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
  predicate: (v: unknown) => typeof v === 'boolean',
});

export const YAML12_CORE_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [nul, bool, int, float] });
