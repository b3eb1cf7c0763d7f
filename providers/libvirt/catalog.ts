import type { Kind } from '../../desired-state/model.js';

/**
 * Where the libvirt provider reads what libvirt does not hold but a VM or volume needs: the sizes of
 * service and disk offerings. The router (providers/provider-router.ts) answers from the provider
 * that keeps the catalog kinds; tests answer from a fixed list.
 */
export interface Catalog {
  spec(kind: Kind, name: string, owner: string | undefined, signal: AbortSignal): Promise<Record<string, unknown> | undefined>;
}

export function fixedCatalog(entries: { kind: Kind; name: string; owner?: string; spec: Record<string, unknown> }[]): Catalog {
  return {
    spec: async (kind, name, owner) => entries.find((e) => e.kind === kind && e.name === name && (e.owner === undefined || e.owner === owner))?.spec,
  };
}
