/**
 * Exit codes, terraform's detailed convention where it fits: 0 ok / no changes, 1 the input is
 * invalid (or an apply failed), 2 changes present. Usage and I/O failures use sysexits' numbers
 * so scripts can tell "your YAML is wrong" from "the command could not run".
 */
export const ExitCode = {
  ok: 0,
  invalid: 1,
  changes: 2,
  usage: 64,
  /** A bug in cairn, not in the input: reported in one line (the stack with CAIRN_DEBUG=1). */
  internal: 70,
  io: 74,
} as const;
