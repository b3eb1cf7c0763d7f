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

  /**
   * The file as last read, with the stat it was read at. Routing asks the ledger for every VM of an
   * apply (250,000 at CloudStack size): re-reading and parsing it each time cost 28 µs a call, about
   * 7 s of CPU per large apply; a stat costs a tenth. Every write goes through a rename, so a change
   * by any process shows as a new inode.
   */
  private cached?: { stamp: string; data: LedgerFile };

  private read(): LedgerFile {
    const st = fs.statSync(this.file, { throwIfNoEntry: false });
    if (!st) return { version: 1, entries: {} };
    const stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (this.cached?.stamp === stamp) return this.cached.data;
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as LedgerFile;
      if (parsed && parsed.version === 1 && parsed.entries) {
        this.cached = { stamp, data: parsed };
        return parsed;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return { version: 1, entries: {} };
  }

  private write(data: LedgerFile): void {
    // put/remove changed `data`, possibly the cached object: read it afresh next time.
    this.cached = undefined;
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
