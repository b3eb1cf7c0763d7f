import { isIPv4 } from 'node:net';
import type { MarvinObjectFields } from './marvin-fields.js';

/** Where a conversion reports what it found, by JSON path. */
export interface MarvinDiagnostics {
  warn(path: string, message: string): void;
  fail(path: string, message: string): void;
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `zones[0].pods[1]`, `dbSvr`, `zones[0]["odd key"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.every(isEmpty);
  if (isObject(v)) return Object.values(v).every(isEmpty);
  return false;
}

/** Reports each field that is not imported (with why) or unknown. Never mentions values: they may be secrets. */
export function reportFields(d: MarvinDiagnostics, obj: JsonObject, path: string, fields: MarvinObjectFields): void {
  for (const [key, value] of Object.entries(obj)) {
    if (fields.imported.includes(key)) continue;
    const why = Object.hasOwn(fields.notImported, key) ? fields.notImported[key] : undefined;
    if (why === undefined) d.warn(childPath(path, key), 'unknown Marvin field, not imported');
    else if (!isEmpty(value)) d.warn(childPath(path, key), `not imported: ${why}`);
  }
}

/** The object at obj[key], or undefined when absent; anything else is an error. */
export function readObject(d: MarvinDiagnostics, value: unknown, path: string): JsonObject | undefined {
  if (isObject(value)) return value;
  d.fail(path, `expected an object, found ${describe(value)}`);
  return undefined;
}

export function readList(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string): unknown[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  d.fail(childPath(path, key), `expected a list, found ${describe(v)}`);
  return [];
}

/** A string (numbers are accepted: Marvin configs mix "50" and 50). Empty counts as absent. */
export function readText(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string, required = false): string | undefined {
  const v = obj[key];
  const at = childPath(path, key);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (v === undefined || v === null || (typeof v === 'string')) {
    if (required) d.fail(at, v === undefined ? 'missing' : 'empty');
    return undefined;
  }
  d.fail(at, `expected a string, found ${describe(v)}`);
  return undefined;
}

/** Marvin writes booleans as JSON booleans or as "true"/"True"/"false". */
export function readBool(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  d.fail(childPath(path, key), `expected true or false, found ${describe(v)}`);
  return undefined;
}

/** cairn's addresses are IPv4 (schemas: common ipv4 and cidr). */
export function readIp(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string, required = false): string | undefined {
  const v = readText(d, obj, key, path, required);
  if (v !== undefined && !isIPv4(v)) {
    d.fail(childPath(path, key), `${JSON.stringify(v)} is not an IPv4 address`);
    return undefined;
  }
  return v;
}

export function readCidr(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string): string | undefined {
  const v = readText(d, obj, key, path);
  if (v === undefined) return undefined;
  const m = /^([^/]+)\/(\d{1,2})$/.exec(v);
  if (!m || !isIPv4(m[1]!) || Number(m[2]) > 32) {
    d.fail(childPath(path, key), `${JSON.stringify(v)} is not an IPv4 CIDR (like 10.1.1.0/24)`);
    return undefined;
  }
  return v;
}

/** IPv4 as a number, for order checks. */
export function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** A positive whole number, as a JSON number or a numeric string. */
export function readCount(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string): number | undefined {
  const v = readText(d, obj, key, path);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    d.fail(childPath(path, key), `expected a positive whole number, found ${JSON.stringify(v)}`);
    return undefined;
  }
  return Number(v);
}

/** CloudStack tags: a comma-separated string, or a list. */
export function readTags(d: MarvinDiagnostics, obj: JsonObject, key: string, path: string): string[] | undefined {
  const v = obj[key];
  let items: unknown[];
  if (typeof v === 'string') items = v.split(',');
  else if (Array.isArray(v)) items = v;
  else if (v === undefined || v === null) return undefined;
  else {
    d.fail(childPath(path, key), `expected a comma-separated string or a list, found ${describe(v)}`);
    return undefined;
  }
  const tags: string[] = [];
  items.forEach((t, i) => {
    if (typeof t !== 'string') d.fail(childPath(childPath(path, key), i), `expected a string, found ${describe(t)}`);
    else if (t.trim() !== '' && !/^[A-Za-z0-9._-]+$/.test(t.trim())) {
      d.fail(childPath(path, key), `tag ${JSON.stringify(t.trim())} may hold only letters, digits, ".", "_" and "-"`);
    } else if (t.trim() !== '' && !tags.includes(t.trim())) tags.push(t.trim());
  });
  return tags.length > 0 ? tags : undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  // Values are not echoed: a misplaced password must not end up in a terminal or a CI log.
  return `a ${typeof v}`;
}
