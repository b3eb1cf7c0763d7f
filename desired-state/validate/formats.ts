import ipaddr from 'ipaddr.js';

/** Parses an IPv4 CIDR strictly (`10.1.0.0/16`); undefined when it is not one. */
export function parseCidr(value: string): { base: number; prefix: number } | undefined {
  const slash = value.indexOf('/');
  if (slash < 0 || !/^\d{1,2}$/.test(value.slice(slash + 1))) return undefined;
  const addr = value.slice(0, slash);
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) return undefined;
  const prefix = Number(value.slice(slash + 1));
  if (prefix > 32) return undefined;
  return { base: ipv4ToInt(addr), prefix };
}

export function isIpv4(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value);
}

export function ipv4ToInt(value: string): number {
  const b = ipaddr.IPv4.parse(value).octets;
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
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
