/** Parses an IPv4 CIDR strictly (`10.1.0.0/16`); undefined when it is not one. */
export function parseCidr(value: string): { base: number; prefix: number } | undefined {
  const slash = value.indexOf('/');
  if (slash < 0 || !/^\d{1,2}$/.test(value.slice(slash + 1))) return undefined;
  const addr = value.slice(0, slash);
  const base = parseIpv4(addr);
  if (base === undefined) return undefined;
  const prefix = Number(value.slice(slash + 1));
  if (prefix > 32) return undefined;
  return { base, prefix };
}

export function isIpv4(value: string): boolean {
  return parseIpv4(value) !== undefined;
}

export function ipv4ToInt(value: string): number {
  const n = parseIpv4(value);
  if (n === undefined) throw new TypeError(`not an IPv4 address: ${value}`);
  return n;
}

/**
 * A dotted-quad IPv4 address as a 32-bit number, or undefined: exactly what ipaddr.js's
 * `IPv4.isValidFourPartDecimal` accepts (four decimal parts 0-255, no leading zeros), which a
 * property test holds it to. Written out because the address checks parse a quarter of a million
 * VM addresses per load: through ipaddr.js (its regular expressions, then parse again) that took
 * 170 ms of a cold load; this loop allocates nothing.
 */
export function parseIpv4(value: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c === 46) {
      if (digits === 0 || parts === 4) return undefined;
      n = n * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero
      part = part * 10 + (c - 48);
      if (part > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? n : undefined;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `80` or `80-90`, each 1..65535, first ≤ last. */
export function parsePortRange(value: string): { from: number; to: number } | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || from > to) return undefined;
  return { from, to };
}

/** `100-200` (or a single `100`), each 1..4094, first ≤ last. */
export function parseVlanRange(value: string): { from: number; to: number } | undefined {
  const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(value.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 4094 || from > to) return undefined;
  return { from, to };
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
/** Five-field cron (minute hour day-of-month month day-of-week), numbers, ranges, lists and steps. */
export function isCron(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

/** Why a format failed, in words; used by the schema error messages. */
export const formatHelp: Record<string, string> = {
  cidr: 'an IPv4 CIDR such as 10.1.0.0/16',
  ipv4: 'an IPv4 address such as 10.1.1.10',
  'port-range': 'a port or an ordered port range such as 80 or 8000-8080 (1-65535, first ≤ last)',
  'vlan-range': 'an ordered VLAN range such as 100-200 (1-4094, first ≤ last)',
  cron: 'a five-field cron expression such as "0 2 * * *"',
  uri: 'a URI such as nfs://host/export',
};
