/** Allow rules (security groups) compared as a set, each rule's CIDRs as a set. */
export function normaliseTrafficRules(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((r) =>
    typeof r === 'object' && r !== null && Array.isArray((r as Record<string, unknown>).cidrs)
      ? { ...r, cidrs: [...((r as Record<string, unknown>).cidrs as string[])].sort() }
      : r,
  );
}
