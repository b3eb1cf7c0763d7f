/**
 * The one nftables table cairn owns on each host, `ip cairn`, rewritten whole and atomically from
 * the ledger on every change (`nft -f`: delete and add in one transaction), so it never holds half
 * a change and needs no rule handles:
 * - set `public_ips`: the PublicIps on the host;
 * - chain `ingress` (filter, prerouting, before DNAT): each FirewallRule and PortForward accepts its
 *   traffic to its public address; whatever else is sent to a public address is dropped;
 * - chain `port_forwards` (nat, prerouting): each PortForward to its VM's address and port; each
 *   LoadBalancer to its VMs, round robin (numgen) or by source address (jhash);
 * - chain `egress` (filter, forward): each EgressRule accepts its traffic leaving its network's
 *   bridge; a bridge with egress rules drops what they do not accept.
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

export interface LoadBalancerEntry {
  owner?: string;
  name: string;
  address: string;
  protocol: string;
  publicPort: number;
  privatePort: number;
  algorithm: 'roundrobin' | 'source';
  /** The member VMs' addresses. */
  targets: string[];
}
export interface EgressRuleEntry {
  owner?: string;
  name: string;
  bridge: string;
  protocol: string;
  ports?: string;
  cidrs: string[];
}

export interface CairnTable {
  publicIps: PublicIpRule[];
  firewallRules: FirewallRuleEntry[];
  portForwards: PortForwardEntry[];
  loadBalancers?: LoadBalancerEntry[];
  egressRules?: EgressRuleEntry[];
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
  for (const b of t.loadBalancers ?? []) lines.push(`    ip daddr ${b.address} ${b.protocol} dport ${b.publicPort} accept comment "${ruleComment('LoadBalancer', b.owner, b.name)}"`);
  lines.push('    ip daddr @public_ips drop comment "cairn default"', '  }');
  lines.push('  chain port_forwards { type nat hook prerouting priority dstnat; policy accept;');
  for (const f of t.portForwards) lines.push(`    ip daddr ${f.address} ${f.protocol} dport ${f.publicPort} dnat to ${f.vmAddress}:${f.privatePort} comment "${ruleComment('PortForward', f.owner, f.name)}"`);
  for (const b of t.loadBalancers ?? []) {
    if (b.targets.length === 0) continue;
    const pick = b.algorithm === 'source' ? `jhash ip saddr mod ${b.targets.length}` : `numgen inc mod ${b.targets.length}`;
    const map = b.targets.map((ip, i) => `${i} : ${ip} . ${b.privatePort}`).join(', ');
    lines.push(`    ip daddr ${b.address} ${b.protocol} dport ${b.publicPort} dnat ip addr . port to ${pick} map { ${map} } comment "${ruleComment('LoadBalancer', b.owner, b.name)}"`);
  }
  lines.push('  }');
  lines.push('  chain egress { type filter hook forward priority 0; policy accept;');
  const egress = t.egressRules ?? [];
  for (const e of egress) {
    lines.push(`    iifname "${e.bridge}" ip daddr { ${e.cidrs.join(', ')} } ${match(e.protocol, e.ports)} accept comment "${ruleComment('EgressRule', e.owner, e.name)}"`.replace(/ {2,}/g, ' ').replace(/^ /, '    '));
  }
  for (const bridge of new Set(egress.map((e) => e.bridge))) lines.push(`    iifname "${bridge}" drop comment "cairn default"`);
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
