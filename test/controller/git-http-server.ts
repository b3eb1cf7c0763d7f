/**
 * A git smart-HTTP server just big enough for `cairn run --remote` in a test: it serves one
 * repository's branches for `git-upload-pack` (what a fetch talks to), on loopback, without the git
 * CLI. Every fetch gets every object reachable from what it wants (no negotiation of "haves"): a
 * test repository is small, and a client may receive objects it already has.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import git from 'isomorphic-git';

const pkt = (s: string | Buffer) => {
  const body = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
};
const FLUSH = Buffer.from('0000');

export interface GitHttpServer {
  /** Clone URL of the served repository. */
  url: string;
  close(): Promise<void>;
}

export async function serveRepository(dir: string): Promise<GitHttpServer> {
  const server = http.createServer((req, res) => {
    handle(dir, req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/repo.git`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(dir: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/repo.git/info/refs' && url.searchParams.get('service') === 'git-upload-pack') {
    const branches = await git.listBranches({ fs, dir });
    const refs = await Promise.all(branches.map(async (b) => [`refs/heads/${b}`, await git.resolveRef({ fs, dir, ref: b })] as const));
    const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
    const lines = [pkt(`${head} HEAD\0side-band-64k ofs-delta agent=cairn-test\n`), ...refs.map(([ref, oid]) => pkt(`${oid} ${ref}\n`))];
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement', 'cache-control': 'no-cache' });
    res.end(Buffer.concat([pkt('# service=git-upload-pack\n'), FLUSH, ...lines, FLUSH]));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/repo.git/git-upload-pack') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const wants = [...Buffer.concat(chunks).toString('latin1').matchAll(/want ([0-9a-f]{40})/g)].map((m) => m[1]!);
    const oids = await reachable(dir, wants);
    const { packfile } = await git.packObjects({ fs, dir, oids: [...oids] });
    const out: Buffer[] = [pkt('NAK\n')];
    const pack = Buffer.from(packfile!);
    // Side band 1 carries the pack, in packets under side-band-64k's limit.
    for (let i = 0; i < pack.length; i += 60_000) out.push(pkt(Buffer.concat([Buffer.from([1]), pack.subarray(i, i + 60_000)])));
    out.push(FLUSH);
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result', 'cache-control': 'no-cache' });
    res.end(Buffer.concat(out));
    return;
  }
  res.writeHead(404);
  res.end();
}

/** Every commit, tree and blob reachable from `wants`. */
async function reachable(dir: string, wants: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const addTree = async (oid: string): Promise<void> => {
    if (seen.has(oid)) return;
    seen.add(oid);
    for (const e of (await git.readTree({ fs, dir, oid })).tree) {
      if (e.type === 'tree') await addTree(e.oid);
      else if (e.type === 'blob') seen.add(e.oid);
    }
  };
  for (const want of wants) {
    for (const c of await git.log({ fs, dir, ref: want })) {
      if (seen.has(c.oid)) break;
      seen.add(c.oid);
      await addTree(c.commit.tree);
    }
  }
  return seen;
}
