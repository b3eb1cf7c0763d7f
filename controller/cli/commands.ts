import type { Command } from './command.js';
import { importMarvinCommand } from '../commands/import-marvin.js';
import { initCommand } from '../commands/init.js';
import { validateCommand } from '../commands/validate.js';

/** Every CLI command, in the order `cairn --help` lists them. */
export const commands: readonly Command[] = [initCommand, validateCommand, importMarvinCommand];
