import type { Claim } from './context.js';

export interface ClaimCollision {
  claim: Claim;
  first: Claim;
  message: string;
}

/**
 * Two claims on one key (the same VLAN or public IP of a zone): every claim after the first, in
 * declaration order (file, then document), collides with the first.
 */
export function checkClaims(claims: readonly Claim[]): ClaimCollision[] {
  const ordered = [...claims].sort(byDeclaration);
  const first = new Map<string, Claim>();
  const out: ClaimCollision[] = [];
  for (const c of ordered) {
    const f = first.get(c.key);
    if (!f) {
      first.set(c.key, c);
      continue;
    }
    out.push({ claim: c, first: f, message: c.message.replace('{first}', f.tenant ? `${f.tenant}/${f.name}` : f.name) });
  }
  return out;
}

function byDeclaration(a: Claim, b: Claim): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.docIndex - b.docIndex || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
