/**
 * `nft` on a libvirt host: locally for qemu:/// and qemu+unix:// hosts, over ssh for qemu+ssh://
 * ones (the same user and host), and inside a network namespace when CAIRN_NFT_NETNS names one
 * (how the tests reach the namespace their private libvirtd lives in).
 */
import { spawn } from 'node:child_process';
import { NftError } from '../errors/nft-error.js';

export function nftCommandFor(url: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const ssh = /^qemu\+ssh:\/\/([^/?]+)/.exec(url);
  if (ssh) return ['ssh', '-o', 'BatchMode=yes', ssh[1]!, 'nft'];
  if (env.CAIRN_NFT_NETNS) return ['ip', 'netns', 'exec', env.CAIRN_NFT_NETNS, 'nft'];
  return ['nft'];
}

const PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

export function runNft(command: readonly string[], args: readonly string[], signal: AbortSignal, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...args], { env: { ...process.env, PATH, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'], signal });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => reject(new NftError(args, null, e.message)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new NftError(args, code, err))));
    // nft may exit before reading its input (a list of a missing table): the exit code tells, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
