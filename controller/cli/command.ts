/**
 * One CLI command. Each lives in controller/commands/<name>.ts, named for the command
 * (isomorphic-git's layout), and is registered in controller/cli/commands.ts.
 */
export interface CommandOption {
  /** Long flag without dashes, e.g. `rev`. */
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in `cairn <command> --help`. */
  description: string;
  /** Placeholder for string values in help, e.g. `REV`. */
  value?: string;
  default?: string | boolean;
}

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** Words that select the command, e.g. ['validate'] or ['import', 'marvin']. */
  path: string[];
  summary: string;
  /** Usage line after `cairn `, e.g. `validate [--rev REV] [--json]`. */
  usage: string;
  /** Longer help text printed under the usage line. */
  details?: string;
  options: CommandOption[];
  /** Returns the process exit code. Bad user input must be reported on io.stderr, never thrown as a stack trace. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}
