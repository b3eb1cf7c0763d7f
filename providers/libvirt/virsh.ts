/**
 * virsh, one process per call, XML in through a temporary file and XML out on stdout. Chosen over a
 * native binding after measuring both here (README: "virsh or a binding"): a call costs ~16 ms of
 * process start, which libvirt's own work (a domain start: hundreds of ms) dwarfs, and it needs no
 * compiler, no libvirt-dev and no native module per Node version.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirshError } from './errors/virsh-error.js';

export interface VirshOptions {
  /** The connection URI: `qemu+unix:///system?socket=...`, `qemu+ssh://root@host/system`. */
  uri: string;
  /** A call still running after this is killed and counts as a (transient) timeout. */
  timeoutMs?: number;
  binary?: string;
}

const SEPARATOR = '@@cairn-virsh-section@@';

/** virsh's own command-line parser: a backslash takes the next character literally. */
function quoteArg(arg: string): string {
  return arg.replace(/[^A-Za-z0-9._\/:@+=,-]/g, (c) => `\\${c}`);
}

const PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

export class Virsh {
  private readonly timeoutMs: number;
  private readonly binary: string;
  constructor(private readonly opts: VirshOptions) {
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.binary = opts.binary ?? 'virsh';
  }

  get uri(): string {
    return this.opts.uri;
  }

  /** Runs `virsh -c URI ARGS`; with `xml`, the argument `@xml` names a temporary file holding it. */
  async run(args: readonly string[], signal: AbortSignal, xml?: string): Promise<string> {
    let file: string | undefined;
    if (xml !== undefined) {
      file = path.join(os.tmpdir(), `cairn-virsh-${process.pid}-${crypto.randomBytes(6).toString('hex')}.xml`);
      await fs.writeFile(file, xml, { mode: 0o600 });
      args = args.map((a) => (a === '@xml' ? file! : a));
    }
    try {
      return await this.spawn(args, signal);
    } finally {
      if (file) await fs.rm(file, { force: true });
    }
  }

  /**
   * Several read-only commands in one virsh process and one connection (virsh runs `a ; b` in
   * sequence): the per-process start is what a call costs, so reading a host is 3 processes rather
   * than one per object (measured here: ~4 ms per command batched, 16-70 ms each alone). Returns each
   * command's stdout; a command that failed (an object gone meanwhile) gives an empty string.
   */
  async batch(commands: readonly (readonly string[])[], signal: AbortSignal): Promise<string[]> {
    if (commands.length === 0) return [];
    const line = commands.map((c) => c.map(quoteArg).join(' ')).join(` ; echo ${SEPARATOR} ; `);
    let out: string;
    let failure: VirshError | undefined;
    try {
      out = await this.spawn([line], signal);
    } catch (error) {
      // virsh's exit code is the last command's: only a missing section means the batch failed.
      if (!(error instanceof VirshError) || error.timedOut) throw error;
      failure = error;
      out = error.stdout ?? '';
    }
    const parts = out.split(SEPARATOR);
    if (parts.length !== commands.length) {
      throw new VirshError([commands.map((c) => c[0]).join(';')], failure?.exitCode ?? null, failure?.stderr || `batch answered ${parts.length} of ${commands.length} sections`);
    }
    return parts.map((p) => p.replace(/^\n/, ''));
  }

  private spawn(args: readonly string[], signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ['-q', '-c', this.opts.uri, ...args], {
        env: { ...process.env, PATH, LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      });
      let out = '';
      let err = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new VirshError(args, null, signal.aborted ? 'Timed out: aborted by the caller' : e.message, signal.aborted));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0 && !timedOut) resolve(out);
        else reject(new VirshError(args, code, err, timedOut, out));
      });
    });
  }
}
