import { parseArgs } from 'node:util';
import type { Command, ParsedArgs } from './command.js';

/** Picks the command whose words match the longest prefix of argv. */
export function findCommand(commands: readonly Command[], argv: readonly string[]): { command?: Command; rest: string[] } {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return { command: best, rest: best ? argv.slice(best.path.length) : [...argv] };
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** Parses a command's flags strictly: an unknown flag is a usage error, not silently ignored. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs & { help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const o of command.options) {
    options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    for (const o of command.options) if (values[o.name] === undefined && o.default !== undefined) values[o.name] = o.default;
    const help = values.help === true;
    delete values.help;
    return { values: values as ParsedArgs['values'], positionals, help };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
}
