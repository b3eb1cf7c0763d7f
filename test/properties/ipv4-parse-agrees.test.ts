/**
 * formats.ts parses IPv4 addresses by hand for speed; it must accept exactly what ipaddr.js's
 * four-part decimal check accepts, and give the same number.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../desired-state/validate/formats.js';

const byIpaddr = (s: string): number | undefined => {
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
  const b = ipaddr.IPv4.parse(s).octets;
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
};

/** Strings that look like addresses: parts of digits (leading zeros, too large, empty), dots, odd characters. */
const addressLike = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('', '0', '00', '01', '255', '256', '1e2', ' 1', '0x1', '-1', '١')), { minLength: 1, maxLength: 6 })
  .chain((parts) => fc.constantFrom('.', '..', ':').map((sep) => parts.join(sep)));

describe('parseIpv4', () => {
  it('agrees with ipaddr.js on address-like strings', () => {
    fc.assert(fc.property(addressLike, (s) => {
      expect(parseIpv4(s)).toBe(byIpaddr(s));
    }), { numRuns: 5000 });
  });

  it('agrees with ipaddr.js on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
      expect(parseIpv4(s)).toBe(byIpaddr(s));
    }), { numRuns: 5000 });
  });

  it('reads the corners', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('10.1.2.3')).toBe(0x0a010203);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1.2.3.4 ', '1..3.4', '.1.2.3']) expect(parseIpv4(bad)).toBeUndefined();
  });
});
