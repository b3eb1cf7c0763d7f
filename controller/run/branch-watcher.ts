import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';

export interface BranchWatcherOptions {
  gitdir: string;
  branch: string;
  /** Called (debounced) whenever the branch may have moved. */
  onMaybeMoved: (why: string) => void;
  /** Fallback poll, ms: file events can be missed (network file systems, a watcher limit). */
  pollMs: number;
}

/**
 * Tells the controller when to look at the branch again: chokidar on the loose ref (git writes it by
 * renaming a lock file), on packed-refs (`git gc`, `git pack-refs`) and on HEAD, plus a poll. It
 * only says "look"; what the branch points to is read by whoever looks, so a missed or duplicated
 * event costs nothing but a cheap ref read.
 */
export class BranchWatcher {
  private watcher: FSWatcher | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: BranchWatcherOptions) {}

  async start(): Promise<void> {
    const { gitdir, branch } = this.options;
    const watched = [path.join(gitdir, 'refs', 'heads'), path.join(gitdir, 'packed-refs'), path.join(gitdir, 'HEAD')];
    const loose = path.join(gitdir, 'refs', 'heads', ...branch.split('/'));
    this.watcher = chokidar.watch(watched, { ignoreInitial: true, persistent: true, atomic: true, depth: 8 });
    this.watcher.on('all', (_event, file) => {
      // Other branches move too; only ours, packed-refs and HEAD matter.
      if (file.startsWith(path.join(gitdir, 'refs', 'heads')) && path.resolve(file) !== loose && !file.endsWith('.lock')) return;
      this.fire(`ref file ${path.relative(gitdir, file)} changed`);
    });
    this.watcher.on('error', () => {
      // The poll still runs: a broken watcher slows pick-up, it does not stop it.
    });
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.poll = setInterval(() => this.options.onMaybeMoved('poll'), this.options.pollMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    await this.watcher?.close();
  }

  private fire(why: string): void {
    if (this.debounce) clearTimeout(this.debounce);
    // A push writes the lock file, renames it, may touch packed-refs: one look for the lot.
    this.debounce = setTimeout(() => this.options.onMaybeMoved(why), 10);
  }
}
