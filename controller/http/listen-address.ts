import ipaddr from 'ipaddr.js';
import { ListenAddressError } from './errors/listen-address-error.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `host:port`, `[v6]:port`; port 0 asks the kernel for a free one. */
export function parseListenAddress(listen: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(listen.trim());
  if (!match) throw new ListenAddressError(listen, 'expected host:port, or [ipv6]:port');
  const host = (match[1] ?? match[2])!;
  const port = Number(match[3]);
  if (port > 65535) throw new ListenAddressError(listen, 'port above 65535');
  if (match[1] !== undefined && !ipaddr.IPv6.isValid(host)) throw new ListenAddressError(listen, 'not an IPv6 address in brackets');
  return { host, port };
}

/**
 * Only literal loopback addresses and `localhost` count: any other name could resolve to a public
 * interface, and 0.0.0.0 / :: are every interface.
 */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  // process() turns ::ffff:127.0.0.1 into the IPv4 address it is.
  return ipaddr.process(host).range() === 'loopback';
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
