import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { RemoteFetchError } from './errors/remote-fetch-error.js';

/**
 * `--remote URL`: fetches the branch with isomorphic-git into the local repository (objects and
 * `refs/remotes/cairn/<branch>`) and returns the commit it points to, which is then loaded from
 * the local object store like any other revision.
 */
export async function fetchRemote(gitdir: string, url: string, branch: string, cache: object): Promise<string> {
  try {
    // The remote named `cairn`, pointed at the URL given (it may have changed since the last run).
    await git.addRemote({ fs, gitdir, remote: 'cairn', url, force: true });
    const result = await git.fetch({ fs, http, gitdir, remote: 'cairn', ref: branch, remoteRef: branch, singleBranch: true, tags: false, cache });
    if (!result.fetchHead) throw new RemoteFetchError(`${url} has no branch ${branch}`);
    return result.fetchHead;
  } catch (error) {
    if (error instanceof RemoteFetchError) throw error;
    throw new RemoteFetchError(`could not fetch ${branch} from ${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
