/**
 * The one nftables table cairn owns on each host, `ip cairn`, rewritten whole and atomically from
 * the ledger on every change (`nft -f`: delete and add in one transaction), so it never holds half
 * a change and needs no rule handles:
 * - set `public_ips`: the PublicIps on the host;
 * - chain `ingress` (filter, prerouting, before DNAT): each FirewallRule and PortForward accepts its
 *   traffic to its public address; whatever else is sent to a public address is dropped;
 * - chain `port_forwards` (nat, prerouting): each PortForward to its VM's address and port.
 * Each rule's comment is `cairn <Kind> <owner>/<name>`: how observe finds it again.
 */
export interface PublicIpRule {
  owner?: string;
  name: string;
  address: string;
}
export interface FirewallRuleEntry {
  owner?: string;
  name: string;
  address: string;
  protocol: string;
  ports?: string;
  cidrs: string[];
}
export interface PortForwardEntry {
  owner?: string;
  name: string;
  address: string;
  protocol: string;
  publicPort: number;
  vmAddress: string;
  privatePort: number;
}

export interface CairnTable {
  publicIps: PublicIpRule[];
  firewallRules: FirewallRuleEntry[];
  portForwards: PortForwardEntry[];
}

export const ruleComment = (kind: string, owner: string | undefined, name: string) => `cairn ${kind} ${owner ?? ''}/${name}`;

function match(protocol: string, ports: string | undefined): string {
  if (protocol === 'tcp' || protocol === 'udp') return ports ? `${protocol} dport ${ports.replace('-', '-')}` : `meta l4proto ${protocol}`;
  if (protocol === 'icmp') return 'meta l4proto icmp';
  return '';
}

/** The nft script that replaces cairn's table with `t`. */
export function cairnTableScript(t: CairnTable): string {
  const lines = ['table ip cairn', 'delete table ip cairn', 'table ip cairn {'];
  const elements = [...new Set(t.publicIps.map((p) => p.address))];
  lines.push(`  set public_ips { type ipv4_addr;${elements.length ? ` elements = { ${elements.join(', ')} };` : ''} }`);
  lines.push('  chain ingress { type filter hook prerouting priority -150; policy accept;');
  for (const r of t.firewallRules) {
    lines.push(`    ip daddr ${r.address} ${match(r.protocol, r.ports)} ip saddr { ${r.cidrs.join(', ')} } accept comment "${ruleComment('FirewallRule', r.owner, r.name)}"`.replace(/ {2,}/g, ' ').replace(/^ /, '    '));
  }
  for (const f of t.portForwards) lines.push(`    ip daddr ${f.address} ${f.protocol} dport ${f.publicPort} accept comment "${ruleComment('PortForward', f.owner, f.name)}"`);
  lines.push('    ip daddr @public_ips drop comment "cairn default"', '  }');
  lines.push('  chain port_forwards { type nat hook prerouting priority dstnat; policy accept;');
  for (const f of t.portForwards) lines.push(`    ip daddr ${f.address} ${f.protocol} dport ${f.publicPort} dnat to ${f.vmAddress}:${f.privatePort} comment "${ruleComment('PortForward', f.owner, f.name)}"`);
  lines.push('  }', '}', '');
  return lines.join('\n');
}

export interface TableSeen {
  /** Public addresses in the set. */
  publicIps: string[];
  /** Each rule's comment → its expressions as nft prints them (JSON), per chain. */
  rules: Map<string, string[]>;
}

/** `nft -j list table ip cairn`, read back; undefined when the table does not exist. */
export function parseCairnTable(json: string): TableSeen {
  const doc = JSON.parse(json) as { nftables?: Record<string, Record<string, unknown>>[] };
  const seen: TableSeen = { publicIps: [], rules: new Map() };
  for (const item of doc.nftables ?? []) {
    const set = item.set as { name?: string; elem?: unknown[] } | undefined;
    if (set?.name === 'public_ips') seen.publicIps = (set.elem ?? []).map(String);
    const rule = item.rule as { comment?: string; expr?: unknown; chain?: string } | undefined;
    if (rule?.comment?.startsWith('cairn ') && rule.comment !== 'cairn default') {
      const list = seen.rules.get(rule.comment) ?? [];
      list.push(`${rule.chain}:${JSON.stringify(rule.expr)}`);
      seen.rules.set(rule.comment, list);
    }
  }
  return seen;
}
