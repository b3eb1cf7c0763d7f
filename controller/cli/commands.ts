import type { Command } from './command.js';
import { applyCommand } from '../commands/apply.js';
import { driftCommand } from '../commands/drift.js';
import { importMarvinCommand } from '../commands/import-marvin.js';
import { initCommand } from '../commands/init.js';
import { planCommand } from '../commands/plan.js';
import { runCommand } from '../commands/run.js';
import { simDriftCommand } from '../commands/sim-drift.js';
import { simFaultCommand } from '../commands/sim-fault.js';
import { simShowCommand } from '../commands/sim-show.js';
import { statusCommand } from '../commands/status.js';
import { validateCommand } from '../commands/validate.js';

/** Every CLI command, in the order `cairn --help` lists them. */
export const commands: readonly Command[] = [
  initCommand,
  validateCommand,
  planCommand,
  applyCommand,
  statusCommand,
  runCommand,
  driftCommand,
  simShowCommand,
  simDriftCommand,
  simFaultCommand,
  importMarvinCommand,
];
