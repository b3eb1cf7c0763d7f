import { cairnVersion } from '../../desired-state/cairn-version.js';
import { CairnError } from '../../desired-state/errors/cairn-error.js';
import type { Command, CommandIO } from './command.js';
import { commands } from './commands.js';
import { ExitCode } from './exit-codes.js';
import { commandHelp, mainHelp } from './help.js';
import { findCommand, parseCommandArgs, UsageError } from './parse-command-line.js';

/** Runs one CLI invocation; returns the exit code. Never lets a stack trace reach the user for bad input. */
export async function runCli(argv: string[], io: CommandIO, registry: readonly Command[] = commands): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const topic = argv[0] === 'help' ? argv.slice(1) : [];
    const target = topic.length > 0 ? findCommand(registry, topic).command : undefined;
    if (topic.length > 0 && !target) {
      io.stderr.write(`cairn help: unknown command "${topic.join(' ')}"; run 'cairn --help' for the list\n`);
      return ExitCode.usage;
    }
    io.stdout.write(target ? commandHelp(target) : mainHelp(registry));
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  if (argv[0] === '--version') {
    io.stdout.write(`cairn ${cairnVersion()}\n`);
    return ExitCode.ok;
  }
  const { command, rest } = findCommand(registry, argv);
  if (!command) {
    const group = registry.filter((c) => c.path[0] === argv[0]);
    io.stderr.write(
      group.length > 0
        ? `cairn ${argv[0]}: expected one of: ${group.map((c) => c.path.slice(1).join(' ')).join(', ')}\n`
        : `cairn: unknown command "${argv[0]}"; run 'cairn --help' for the list\n`,
    );
    return ExitCode.usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      io.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cairn ${command.path.join(' ')}: ${err.message}\n${commandHelp(command).split('\n')[0]}\n`);
      return ExitCode.usage;
    }
    if (err instanceof CairnError) {
      io.stderr.write(`cairn ${command.path.join(' ')}: ${err.message} [${err.code}]\n`);
      return err.code === 'REVISION_NOT_FOUND' ? ExitCode.usage : ExitCode.io;
    }
    const e = err as NodeJS.ErrnoException;
    if (e?.code && typeof e.code === 'string' && e.syscall) {
      io.stderr.write(`cairn ${command.path.join(' ')}: ${e.message}\n`);
      return ExitCode.io;
    }
    // Anything else is a bug in cairn. The user gets one line saying so; the stack is for a bug report.
    const detail = io.env.CAIRN_DEBUG ? `\n${(err as Error)?.stack ?? String(err)}` : ' (set CAIRN_DEBUG=1 for the stack trace)';
    io.stderr.write(`cairn ${command.path.join(' ')}: internal error: ${(err as Error)?.message ?? String(err)}; this is a bug in cairn, please report it${detail}\n`);
    return ExitCode.internal;
  }
}
