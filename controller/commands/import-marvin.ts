import fs from 'node:fs/promises';
import path from 'node:path';
import { CairnError } from '../../desired-state/errors/cairn-error.js';
import { MarvinConfigError } from '../../desired-state/errors/marvin-config-error.js';
import { convertMarvin, type ImportedFile } from '../../desired-state/import/marvin.js';
import { parseMarvinJson } from '../../desired-state/import/marvin-json.js';
import { renderImportedFile } from '../../desired-state/import/render-imported-file.js';
import { ImportNames } from '../../desired-state/import/resource-names.js';
import type { Command, CommandIO, ParsedArgs } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';

interface PlannedFile {
  source: string;
  target: string;
  imported: ImportedFile;
}

export const importMarvinCommand: Command = {
  path: ['import', 'marvin'],
  summary: "convert Marvin zone configs (CloudStack's test tool) into cairn YAML",
  usage: 'import marvin FILE... --out DIR [--force] [--json]',
  details: [
    'Reads Marvin JSON configs (the .cfg files deployDataCenter.py deploys; # comment lines are allowed)',
    'and writes one <zone>.yaml per zone into DIR: its Zone, Pods, Clusters, Hosts, PrimaryStorage and',
    'SecondaryStorage. Names are unique across all FILEs. Whatever cannot be imported is listed on stderr.',
    'Host passwords are never written: each Host gets passwordFrom.env, and the variables to set are listed.',
    'Exit 0 when written; 1 when a FILE is not a valid Marvin config or an output file exists (nothing is',
    'written then); 64 for a usage error; 74 when a FILE cannot be read or DIR cannot be written.',
  ].join('\n'),
  options: [
    { name: 'out', short: 'o', type: 'string', value: 'DIR', description: 'directory to write the YAML files into (created if absent); required' },
    { name: 'force', type: 'boolean', description: 'overwrite files that already exist in DIR' },
    { name: 'json', type: 'boolean', description: 'print a JSON summary on stdout' },
  ],
  run: (args, io) => runImportMarvin(args, io),
};

async function runImportMarvin(args: ParsedArgs, io: CommandIO): Promise<number> {
  const err = (line: string): void => void io.stderr.write(`${line}\n`);
  try {
    const outOpt = args.values['out'];
    const out = Array.isArray(outOpt) ? outOpt[outOpt.length - 1] : outOpt;
    if (typeof out !== 'string' || out === '') {
      err('cairn import marvin: --out DIR is required (where to write the YAML files)');
      return ExitCode.usage;
    }
    if (args.positionals.length === 0) {
      err('cairn import marvin: name at least one Marvin config FILE');
      return ExitCode.usage;
    }
    const force = args.values['force'] === true;
    const outDir = path.resolve(io.cwd, out);

    // Convert everything before writing anything: a bad file leaves DIR untouched.
    const names = new ImportNames();
    const planned: PlannedFile[] = [];
    const warnings: string[] = [];
    let exit: number = ExitCode.ok;
    for (const source of args.positionals) {
      let text: string;
      try {
        text = await fs.readFile(path.resolve(io.cwd, source), 'utf8');
      } catch (e) {
        err(`${source}: cannot read: ${describeFsError(e)}`);
        exit = ExitCode.io;
        continue;
      }
      try {
        const result = convertMarvin(parseMarvinJson(text, source), { source, names });
        warnings.push(...result.warnings.map((w) => `${source}: ${w}`));
        for (const imported of result.files) planned.push({ source, target: path.join(outDir, imported.path), imported });
      } catch (e) {
        if (!(e instanceof MarvinConfigError)) throw e;
        err(e.message);
        if (exit === ExitCode.ok) exit = ExitCode.invalid;
      }
    }
    for (const w of warnings) err(`warning: ${w}`);
    if (exit !== ExitCode.ok) {
      err('cairn import marvin: nothing written');
      return exit;
    }

    if (!force) {
      const existing: string[] = [];
      for (const p of planned) if (await exists(p.target)) existing.push(p.target);
      if (existing.length > 0) {
        for (const t of existing) err(`${path.relative(io.cwd, t) || t}: already exists; use --force to overwrite`);
        err('cairn import marvin: nothing written');
        return ExitCode.invalid;
      }
    }
    await fs.mkdir(outDir, { recursive: true });
    for (const p of planned) {
      await fs.writeFile(p.target, renderImportedFile(p.source, p.imported), { flag: force ? 'w' : 'wx' });
    }

    const passwordEnv = planned.flatMap((p) => p.imported.passwordEnv);
    if (passwordEnv.length > 0) {
      err('Host passwords were not written to the YAML. Before `cairn apply`, set these environment variables to them:');
      for (const v of passwordEnv) err(`  ${v}`);
    }
    const summary = planned.map((p) => ({
      path: path.relative(io.cwd, p.target) || p.target,
      source: p.source,
      zone: p.imported.zone,
      resources: countKinds(p.imported),
    }));
    if (args.values['json'] === true) {
      io.stdout.write(`${JSON.stringify({ files: summary, warnings, passwordEnv }, null, 2)}\n`);
    } else {
      for (const s of summary) {
        const counts = Object.entries(s.resources).map(([k, n]) => `${n} ${k}`).join(', ');
        io.stdout.write(`wrote ${s.path} (zone ${s.zone} from ${s.source}): ${counts}\n`);
      }
    }
    return ExitCode.ok;
  } catch (e) {
    // Never a stack trace: bad input was handled above; this is the file system or a bug.
    const detail = e instanceof CairnError ? e.message : describeFsError(e);
    err(`cairn import marvin: ${detail}`);
    return ExitCode.io;
  }
}

function countKinds(imported: ImportedFile): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const doc of imported.documents) counts[doc.kind] = (counts[doc.kind] ?? 0) + 1;
  return counts;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EEXIST') return 'already exists (use --force to overwrite)';
  return e instanceof Error ? e.message : String(e);
}
