/**
 * What libvirt cannot hold for cairn: pools, volumes and connections have no <metadata>, so the
 * declared spec of Hosts, PrimaryStorage, Templates and Volumes, and whether cairn still manages
 * them (orphan), are kept here, in `<state dir>/libvirt/ledger.json`. The `cairn-` name prefix
 * (naming.ts) is the mark in libvirt itself; the ledger adds what the name cannot say. Domains and
 * networks keep all of this in their own metadata and are not in the ledger.
 *
 * Writes are synchronous and atomic (temporary file + rename), each a whole read-modify-write, so
 * concurrent actions of one process never interleave and a crash leaves the old or the new file.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LedgerEntry {
  kind: string;
  owner?: string;
  name: string;
  spec: Record<string, unknown>;
  /** Orphaned: the object stays in libvirt, observed as not managed. */
  orphaned?: boolean;
  /** Where it lives: host|pool|volume (Volume), the allocated address (PublicIp). */
  location?: string;
  /** nftables rules as each host printed them after cairn wrote them (host → expressions): a rule that no longer reads the same was edited by hand. */
  applied?: Record<string, string[]>;
}

interface LedgerFile {
  version: 1;
  entries: Record<string, LedgerEntry>;
}

export const ledgerKey = (kind: string, owner: string | undefined, name: string) => `${kind}/${owner ?? ''}/${name}`;

export class Ledger {
  readonly file: string;
  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'libvirt', 'ledger.json');
  }

  private read(): LedgerFile {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as LedgerFile;
      if (parsed && parsed.version === 1 && parsed.entries) return parsed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return { version: 1, entries: {} };
  }

  private write(data: LedgerFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
  }

  get(kind: string, owner: string | undefined, name: string): LedgerEntry | undefined {
    return this.read().entries[ledgerKey(kind, owner, name)];
  }

  all(kind?: string): LedgerEntry[] {
    const entries = Object.values(this.read().entries);
    return kind ? entries.filter((e) => e.kind === kind) : entries;
  }

  put(entry: LedgerEntry): void {
    const data = this.read();
    data.entries[ledgerKey(entry.kind, entry.owner, entry.name)] = entry;
    this.write(data);
  }

  remove(kind: string, owner: string | undefined, name: string): void {
    const data = this.read();
    if (delete data.entries[ledgerKey(kind, owner, name)]) this.write(data);
  }
}
