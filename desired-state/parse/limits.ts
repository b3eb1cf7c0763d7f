/**
 * Guards against input that would make the loader slow or hungry. A data center's largest file is a
 * tenant's VM list; 32 MiB holds well over 100,000 VMs, so anything bigger is a mistake or an attack.
 */
export const parseLimits = {
  maxFileBytes: Number(process.env.CAIRN_MAX_FILE_BYTES ?? 32 * 1024 * 1024),
  /** Aliases per document: enough for honest reuse, far too few for a "billion laughs" expansion. */
  maxAliasCount: Number(process.env.CAIRN_MAX_ALIAS_COUNT ?? 100),
  /** Nesting levels: documents nest a handful; the `yaml` parser recurses per level. */
  maxNesting: Number(process.env.CAIRN_MAX_NESTING ?? 200),
};
