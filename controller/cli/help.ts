import type { Command } from './command.js';

export function commandHelp(c: Command): string {
  const lines = [`usage: cairn ${c.usage}`, '', c.summary];
  if (c.details) lines.push('', c.details.trimEnd());
  const opts = [...c.options, { name: 'help', short: 'h', type: 'boolean', description: 'show this help' } as const];
  lines.push('', 'options:');
  const rows = opts.map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'string' ? ` ${('value' in o && o.value) || 'VALUE'}` : ''}`;
    const def = 'default' in o && o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
    return [flag, `${o.description}${def}`] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [f, d] of rows) lines.push(`  ${f.padEnd(width)}${d}`);
  return `${lines.join('\n')}\n`;
}

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length)) + 2;
  return [
    'cairn: a data center in git. Commit YAML; cairn validates it, plans it and makes the world match.',
    '',
    'usage: cairn <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}${c.summary}`),
    '',
    "Run 'cairn <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 invalid input or failure, 2 changes present (plan/diff), 64 usage error, 70 internal error, 74 I/O error.',
    '',
  ].join('\n');
}
