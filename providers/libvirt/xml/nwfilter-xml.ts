/**
 * A SecurityGroup as a libvirt nwfilter, and back. One rule per (rule, CIDR), tagged with a comment
 * `cairn in N` / `cairn out N` (N: the rule's index in the spec), so that the spec can be read back
 * from the filter itself and an edit by hand shows as drift. Then the defaults: ingress is denied
 * unless allowed; egress is allowed unless the group lists egress rules. libvirt's iptables rules
 * are stateful, so replies to allowed traffic pass both ways.
 */
import { child, escapeXml, parseXml } from './xml-element.js';


export interface TrafficRule {
  protocol: string;
  ports?: string;
  cidrs: string[];
}

export interface SecurityGroupRules {
  ingress: TrafficRule[];
  egress: TrafficRule[];
}

const DEFAULT = 'cairn default';

function ruleXml(direction: 'in' | 'out', index: number, r: TrafficRule, cidr: string): string {
  const [addr, bits] = cidr.split('/') as [string, string | undefined];
  // For traffic to the VM (in) the remote end is the source; for traffic from it (out), the destination.
  const remote = direction === 'in' ? 'src' : 'dst';
  const protocol = ['tcp', 'udp', 'icmp'].includes(r.protocol) ? r.protocol : 'all';
  let ports = '';
  if (r.ports && (protocol === 'tcp' || protocol === 'udp')) {
    const [from, to] = r.ports.split('-');
    ports = ` dstportstart='${from}' dstportend='${to ?? from}'`;
  }
  return `<rule action='accept' direction='${direction}' priority='500'><${protocol} ${remote}ipaddr='${escapeXml(addr)}' ${remote}ipmask='${bits ?? '32'}'${ports} comment='cairn ${direction} ${index}'/></rule>`;
}

export function nwfilterXml(name: string, uuid: string | undefined, rules: SecurityGroupRules): string {
  const list = (direction: 'in' | 'out', rs: TrafficRule[]) => rs.flatMap((r, i) => r.cidrs.map((c) => ruleXml(direction, i, r, c)));
  return (
    `<filter name='${escapeXml(name)}' chain='root'>` +
    (uuid ? `<uuid>${escapeXml(uuid)}</uuid>` : '') +
    list('in', rules.ingress).join('') +
    list('out', rules.egress).join('') +
    (rules.egress.length === 0 ? `<rule action='accept' direction='out' priority='900'><all comment='${DEFAULT}'/></rule>` : `<rule action='drop' direction='out' priority='1000'><all comment='${DEFAULT}'/></rule>`) +
    `<rule action='drop' direction='in' priority='1000'><all comment='${DEFAULT}'/></rule>` +
    `</filter>`
  );
}

export interface NwfilterInfo {
  name: string;
  uuid: string;
  rules: SecurityGroupRules;
}

/** The rules cairn wrote, read back by their comments; rules without cairn's comment are ignored. */
export function parseNwfilterXml(xml: string): NwfilterInfo {
  const root = parseXml(xml);
  const groups: Record<'in' | 'out', Map<number, TrafficRule>> = { in: new Map(), out: new Map() };
  for (const rule of root.children.filter((c) => c.name === 'rule')) {
    const match = rule.children[0];
    const m = /^cairn (in|out) (\d+)$/.exec(match?.attrs.comment ?? '');
    if (!match || !m || rule.attrs.action !== 'accept') continue;
    const direction = m[1] as 'in' | 'out';
    const remote = direction === 'in' ? 'src' : 'dst';
    const index = Number(m[2]);
    const cidr = `${match.attrs[`${remote}ipaddr`] ?? '0.0.0.0'}/${match.attrs[`${remote}ipmask`] ?? '0'}`;
    const start = match.attrs.dstportstart;
    const end = match.attrs.dstportend;
    const existing = groups[direction].get(index);
    if (existing) existing.cidrs.push(cidr);
    else groups[direction].set(index, { protocol: match.name, ...(start ? { ports: end && end !== start ? `${start}-${end}` : start } : {}), cidrs: [cidr] });
  }
  const ordered = (g: Map<number, TrafficRule>) => [...g.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  return { name: root.attrs.name ?? '', uuid: child(root, 'uuid')?.text ?? '', rules: { ingress: ordered(groups.in), egress: ordered(groups.out) } };
}
