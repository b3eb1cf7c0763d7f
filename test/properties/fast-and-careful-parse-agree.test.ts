import fc from 'fast-check';
import { Document, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../desired-state/parse/parse-file.js';

/*
 * parseFile reads a file with js-yaml (fast) unless it holds an alias or js-yaml rejects it, then
 * with the `yaml` package (careful). Adding an alias to a file must not change what its other
 * values mean, so for valid YAML both paths must agree: parseFile's documents equal the `yaml`
 * package's reading (`parseAllDocuments(text).map(d => d.toJS())`), with or without an alias.
 *
 * The texts are generated values written by the `yaml` package in random styles (block and flow,
 * plain, quoted and block scalars, narrow and wide lines), one to four documents a file, with
 * shared objects (which `yaml` writes as an anchor and aliases) in about half the files.
 */

const enc = new TextEncoder();

/** Strings that look like something else to a YAML reader: numbers, booleans, nulls, indicators, line breaks. */
const TRICKY = [
  'true', 'True', 'TRUE', 'false', 'null', 'Null', 'NULL', '~', 'yes', 'no', 'on', 'off', 'y', 'n', '1', '-1', '+1', '1.5',
  '.5', '-.5', '+.5', '1e3', '1E3', '1e+3', '1e400', '.inf', '-.Inf', '.nan', 'NaN', 'Infinity', '0x1F', '0o17', '012', '1_000',
  '12:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '', ' ', ' a', 'a ', '- a', '-', '? a', '?', ': a', 'a: b', 'a #b',
  '#a', '&a', '*a', '!a', '!!str', '%a', '@a', '`a', '"a', "'a", '[a]', '{a}', 'a,b', '|', '>', '---', '...', '--- a', '\n',
  'a\nb', 'a\n\nb', 'a\n', 'a\n\n', ' \n', '\t', 'a\tb', 'a\t', '\r', 'a\r\nb', '\u0085', '\u2028', '\u00a0', '\ufeff', '\u0000',
  '\u0007', '😀', 'é', '<<', '=', '-0', '0', '00', '+0', '1.', '0.', '.', '__proto__', 'constructor', 'a\\b', '\\',
];

/**
 * Plain scalars that js-yaml's CORE_SCHEMA reads as numbers and YAML 1.2's core schema (the `yaml`
 * package) as strings: binary ints, and signed hex and octal ints. `yaml` writes these strings
 * plain, so a file holding one means one thing on the fast path and another once it holds an alias.
 * Excluded here and pinned by the KNOWN BUG tests below.
 */
const JS_YAML_READS_AS_NUMBER = /^[-+]?0b[01_]+$|^[-+]0x[0-9a-fA-F_]+$|^[-+]0o[0-7_]+$/;

const str = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...TRICKY), { maxLength: 3 }).map((p) => p.join('')) },
  )
  .filter((s) => !JS_YAML_READS_AS_NUMBER.test(s));

/** -0 is written `-0`, which js-yaml reads as 0 and `yaml` as -0; not worth a distinction in a data center. */
const num = fc.oneof(fc.integer(), fc.double({ noDefaultInfinity: false }), fc.constantFrom(0, 1, -1, 2 ** 53, 1e21, 0.1, 1e-7)).map((n) => (Object.is(n, -0) ? 0 : n));

const scalar = fc.oneof({ weight: 4, arbitrary: str }, { weight: 2, arbitrary: num }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant(null) });

const { value } = fc.letrec<{ value: unknown; list: unknown[]; map: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(str, tie('value'), { maxKeys: 4 }),
}));

/**
 * A document: a mapping or a list, as cairn's documents are (a top-level block scalar with an
 * indentation indicator is a divergence of its own, pinned below); sometimes with one object in two
 * places, which `yaml` writes as `&a1 ...` and `*a1`.
 */
const documentValue = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.dictionary(str, value, { maxKeys: 5 }), fc.array(value, { maxLength: 5 })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.dictionary(str, value, { maxKeys: 3 }), fc.oneof(fc.dictionary(str, value, { minKeys: 1, maxKeys: 3 }), fc.array(value, { minLength: 1, maxLength: 3 })))
      .map(([base, shared]) => ({ ...base, 'first use': shared, 'second use': shared })),
  },
);

const style = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED') as fc.Arbitrary<'PLAIN'>,
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE') as fc.Arbitrary<null | 'PLAIN'>,
  lineWidth: fc.constantFrom(0, 20, 80),
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean(),
  flowCollectionPadding: fc.boolean(),
  doubleQuotedAsJSON: fc.boolean(),
  blockQuote: fc.constantFrom(true, false, 'folded', 'literal') as fc.Arbitrary<boolean | 'folded' | 'literal'>,
});

/** A file of 1-4 documents, each written in its own style; explicit `---` before the first one sometimes. */
const yamlFile = fc
  .tuple(fc.array(fc.tuple(documentValue, style), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean())
  .map(([docs, leadingMarker, endMarkers]) => {
    const texts = docs.map(([v, opts]) => new Document(v).toString(opts));
    const body = texts.map((t, i) => (i === 0 && !leadingMarker ? t : `---\n${t}`)).join(endMarkers ? '...\n' : '');
    return { text: body, values: docs.map(([v]) => v) };
  });

/**
 * A double-quoted scalar's escaped line break followed by an empty line: `"ab\\` LF LF `cd"`. The
 * `yaml` package writes this for some strings and reads it as "ab cd", js-yaml as "abcd" (YAML 1.2
 * says "ab\ncd"). Excluded here, pinned by the KNOWN BUG test below.
 */
const ESCAPED_BREAK_THEN_EMPTY_LINE = /\\\r?\n[ \t]*\r?\n/;

const carefully = (text: string) => parseAllDocuments(text, { uniqueKeys: true }) as unknown as { errors: unknown[]; toJS(): unknown }[];

describe('js-yaml (fast path) and yaml (careful path) agree on valid YAML', () => {
  it('parseFile reads what the yaml package reads, with or without an alias in the file', () => {
    let withAlias = 0;
    fc.assert(
      fc.property(yamlFile, ({ text }) => {
        const docs = carefully(text);
        // Valid YAML only: the `yaml` package writes invalid YAML for a few nestings and styles.
        fc.pre(docs.every((d) => d.errors.length === 0));
        fc.pre(!ESCAPED_BREAK_THEN_EMPTY_LINE.test(text));
        const expected = docs.map((d) => d.toJS());

        const parsed = parseFile(enc.encode(text));
        expect(parsed.issues).toEqual([]);
        expect(parsed.docs).toHaveLength(expected.length);
        expect(parsed.docs).toEqual(expected);
        if (/(^|[\s,[{:-])\*a\d/m.test(text)) withAlias++;
      }),
      { numRuns: 300 },
    );
    // Both paths were taken often enough to mean something.
    expect(withAlias).toBeGreaterThan(30);
    expect(withAlias).toBeLessThan(270);
  }, 30_000);

  it('adding an unrelated alias to a file does not change its other values', () => {
    fc.assert(
      fc.property(yamlFile, ({ text }) => {
        fc.pre(carefully(text).every((d) => d.errors.length === 0));
        fc.pre(!ESCAPED_BREAK_THEN_EMPTY_LINE.test(text));
        const plain = parseFile(enc.encode(text));
        // The same file with an extra document holding an anchor and an alias: forces the careful path.
        const aliased = parseFile(enc.encode(`${text}---\nx: &anchor 1\ny: *anchor\n`));
        expect(aliased.issues).toEqual([]);
        expect(aliased.docs.slice(0, -1)).toEqual(plain.docs);
        expect(aliased.docs.at(-1)).toEqual({ x: 1, y: 1 });
      }),
      { numRuns: 200 },
    );
  }, 30_000);
});

/*
 * Known divergences, each a case where the meaning of a value depends on whether its file holds an
 * alias. When fixed (e.g. by giving js-yaml a schema without binary and signed hex/octal ints, or by
 * always taking the careful path's reading), turn `it.fails` into `it`.
 */
describe('known divergences between the two paths', () => {
  const agrees = (text: string) => {
    const expected = carefully(text).map((d) => d.toJS());
    expect(parseFile(enc.encode(text)).docs).toEqual(expected);
    expect(parseFile(enc.encode(`${text}---\nx: &anchor 1\ny: *anchor\n`)).docs.slice(0, -1)).toEqual(expected);
  };

  it('a string written `0b101` is the string "0b101" on both paths (js-yaml reads 5)', () => {
    const text = new Document({ name: '0b101' }).toString();
    expect(text).toBe('name: 0b101\n');
    agrees(text);
  });

  it('strings written `-0x1`, `+0x1`, `-0o7` are strings on both paths (js-yaml reads -1, 1, -7)', () => {
    agrees(new Document({ a: '-0x1', b: '+0x1', c: '-0o7' }).toString());
  });

  it.fails('KNOWN BUG: `%YAML 1.1` does not change the meaning of `yes` once the file holds an alias', () => {
    agrees('%YAML 1.1\n---\nsecurityGroups: yes\n');
  });

  it('`!!set`, `!!omap`, `!!binary` and `!!timestamp` do not turn into Set, Map, Uint8Array and Date values', () => {
    // js-yaml rejects these tags, so the careful path reads them, with the yaml package's known tags
    // on (`resolveKnownTags`). A `labels: !!set {a}` then passes the schema (a Set has no own
    // properties) and a Set reaches the model.
    const parsed = parseFile(enc.encode('a: !!set {x}\nb: !!omap [c: 1]\nd: !!binary aGk=\ne: !!timestamp 2001-01-01\n'));
    expect(parsed.issues.length > 0 || isJsonLike(parsed.docs)).toBe(true);
  });

  it.fails('KNOWN BUG: an escaped line break followed by an empty line in a double-quoted string reads the same on both paths', () => {
    // YAML 1.2 reads "ab\ncd"; the `yaml` package "ab cd"; js-yaml "abcd".
    const text = 'k: "ab\\\n\n  cd"\n';
    expect(ESCAPED_BREAK_THEN_EMPTY_LINE.test(text)).toBe(true);
    agrees(text);
  });

  it.fails('KNOWN BUG: a top-level block scalar with an indentation indicator ends at the next `---`', () => {
    // js-yaml reads the rest of the file, `---` and the next document included, into the string.
    const text = '|1-\n a\n---\nb: 1\n';
    expect(parseFile(enc.encode(text)).docs).toHaveLength(2);
  });

  it.fails('KNOWN BUG: a flow sequence continued at its key\'s indentation is valid or invalid on both paths alike', () => {
    // js-yaml accepts it; yaml (and the YAML spec) reject it: the file turns invalid when an alias is added.
    const text = 'dns: [10.0.0.1,\n10.0.0.2]\n';
    const plain = parseFile(enc.encode(text));
    const aliased = parseFile(enc.encode(`${text}---\nx: &anchor 1\ny: *anchor\n`));
    expect(plain.issues.length > 0).toBe(aliased.issues.length > 0);
  });
});

function isJsonLike(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(isJsonLike);
  return typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(isJsonLike);
}
