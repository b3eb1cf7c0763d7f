import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { exampleDatacenterDir, exampleDatacenterFiles } from '../../desired-state/example-datacenter.js';
import { isDesiredStatePath } from '../../desired-state/source/source.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';

export const initCommand: Command = {
  path: ['init'],
  summary: 'create a data-center repository with an example zone, catalog and tenant, and commit it',
  usage: 'init [DIR] [--force] [--author "Name <email>"]',
  details: `Creates DIR (default: the current folder), runs git init (branch main) unless it is already a
repository, writes the example data center and a .gitignore for the state folder .cairn/, and commits.
Refuses to write into a folder that already holds YAML files unless --force is given.`,
  options: [
    { name: 'force', type: 'boolean', description: 'write even if the folder already holds YAML files (existing example files are overwritten)' },
    { name: 'author', type: 'string', value: '"NAME <EMAIL>"', description: 'commit author (default: $GIT_AUTHOR_NAME/$GIT_AUTHOR_EMAIL, the repository config, or cairn <cairn@localhost>)' },
    { name: 'no-commit', type: 'boolean', description: 'write the files but do not commit' },
  ],
  async run(args, io) {
    if (args.positionals.length > 1) {
      io.stderr.write('cairn init: at most one folder\n');
      return ExitCode.usage;
    }
    const authorFlag = args.values.author as string | undefined;
    if (authorFlag !== undefined && !AUTHOR.test(authorFlag)) {
      io.stderr.write(`cairn init: --author must look like "Name <email>" (got ${JSON.stringify(authorFlag)})\n`);
      return ExitCode.usage;
    }
    const dir = path.resolve(io.cwd, args.positionals[0] ?? '.');
    fs.mkdirSync(dir, { recursive: true });
    const existing = listYaml(dir);
    if (existing.length > 0 && !args.values.force) {
      io.stderr.write(`cairn init: ${dir} already holds YAML files (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}); use --force to write the example anyway\n`);
      return ExitCode.invalid;
    }
    const isRepo = fs.existsSync(path.join(dir, '.git'));
    if (!isRepo) await git.init({ fs, dir, defaultBranch: 'main' });

    const src = exampleDatacenterDir();
    const written: string[] = [];
    for (const rel of exampleDatacenterFiles()) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.copyFileSync(path.join(src, rel), path.join(dir, rel));
      written.push(rel);
    }
    const ignorePath = path.join(dir, '.gitignore');
    const ignore = fs.existsSync(ignorePath) ? fs.readFileSync(ignorePath, 'utf8') : '';
    if (!/^\/?\.cairn\/?$/m.test(ignore)) {
      fs.writeFileSync(ignorePath, `${ignore}${ignore && !ignore.endsWith('\n') ? '\n' : ''}# cairn's state and cache\n.cairn/\n`);
    }
    written.push('.gitignore');

    let commit: string | undefined;
    if (!args.values['no-commit']) {
      for (const f of written) await git.add({ fs, dir, filepath: f });
      const author = await resolveAuthor(dir, args.values.author as string | undefined, io.env);
      commit = await git.commit({ fs, dir, message: 'cairn init: example data center', author });
    }
    io.stdout.write(
      `created ${written.length - 1} files in ${dir}${commit ? ` and committed them (${commit.slice(0, 12)})` : ''}\n` +
        `next:\n  cd ${path.relative(io.cwd, dir) || '.'}\n  npx cairn validate\n`,
    );
    return ExitCode.ok;
  },
};

function listYaml(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listYaml(dir, p));
    else if (isDesiredStatePath(p)) out.push(p);
  }
  return out;
}

const AUTHOR = /^\s*(.*?)\s*<([^>]*)>\s*$/;

async function resolveAuthor(dir: string, flag: string | undefined, env: NodeJS.ProcessEnv): Promise<{ name: string; email: string }> {
  const m = flag ? AUTHOR.exec(flag) : null;
  if (m) return { name: m[1]!, email: m[2]! };
  const name = env.GIT_AUTHOR_NAME ?? ((await git.getConfig({ fs, dir, path: 'user.name' })) as string | undefined);
  const email = env.GIT_AUTHOR_EMAIL ?? ((await git.getConfig({ fs, dir, path: 'user.email' })) as string | undefined);
  return { name: name ?? 'cairn', email: email ?? 'cairn@localhost' };
}
