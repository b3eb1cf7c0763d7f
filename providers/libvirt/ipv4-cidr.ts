/** The IPv4 arithmetic a libvirt network needs: its netmask, gateway, DHCP range and free addresses. */
export interface Cidr {
  network: number;
  prefix: number;
}

export function parseCidr(cidr: string): Cidr {
  const [addr, bits] = cidr.split('/') as [string, string | undefined];
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new RangeError(`${cidr}: a guest network needs a prefix from /8 to /30`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ipToInt(addr) & mask) >>> 0, prefix };
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`${ip} is not an IPv4 address`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function netmask(c: Cidr): string {
  return intToIp((0xffffffff << (32 - c.prefix)) >>> 0);
}

/** First and last usable host addresses (network and broadcast excluded). */
export function usableRange(c: Cidr): { first: number; last: number } {
  const size = 2 ** (32 - c.prefix);
  return { first: c.network + 1, last: c.network + size - 2 };
}

export function contains(c: Cidr, ip: number): boolean {
  const { first, last } = usableRange(c);
  return ip >= first && ip <= last;
}

/** The lowest usable address not in `taken` (the gateway included there by the caller). */
export function lowestFree(c: Cidr, taken: ReadonlySet<string>): string | undefined {
  const { first, last } = usableRange(c);
  for (let ip = first; ip <= last; ip++) if (!taken.has(intToIp(ip))) return intToIp(ip);
  return undefined;
}
