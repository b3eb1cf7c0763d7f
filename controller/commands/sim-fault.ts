import { clearFaults, downHosts, faultRatesProblem, NO_FAULTS, readFaults, setFaults, setHostDown, type SimFaults } from '../../providers/simulator/faults.js';
import { SimulatorTargetError } from '../../providers/simulator/errors/simulator-target-error.js';
import { simulatorWorldExists } from '../../providers/simulator/world-store.js';
import type { Command, ParsedArgs } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { describeFaults } from './sim-show.js';
import { openWorldFor, simStateDir, simWorldOptions } from './sim-world-options.js';

const RATE_FLAGS = { 'error-rate': 'errorRate', 'timeout-rate': 'timeoutRate', 'permanent-error-rate': 'permanentErrorRate' } as const;

function parseRates(args: ParsedArgs): Partial<SimFaults> {
  const change: Partial<SimFaults> = {};
  for (const [flag, key] of Object.entries(RATE_FLAGS)) {
    const text = args.values[flag];
    if (typeof text !== 'string') continue;
    const rate = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new UsageError(`--${flag} must be a number from 0 to 1 (got ${JSON.stringify(text)})`);
    change[key] = rate;
  }
  return change;
}

export const simFaultCommand: Command = {
  path: ['sim', 'fault'],
  summary: 'inject faults into the simulator: failing calls, timeouts, hosts down; --clear removes them all',
  usage: 'sim fault [--error-rate R] [--timeout-rate R] [--permanent-error-rate R] | --host H --down|--up | --clear [--json] [--repo DIR] [--state-dir DIR]',
  details: `Faults are kept in the simulated world, so they affect a 'cairn apply' or 'cairn run' in another process.
Each apply call draws once: with --error-rate it fails (TransientError) before doing anything; with
--timeout-rate it does the operation, then fails with "timed out" (the reply is lost, the effect is not:
the retry must adopt it); with --permanent-error-rate it fails with PermanentError before doing anything.
Rates not given keep their value; together they must not exceed 1. A host --down refuses placement and
VM starts until --up. --clear sets every rate to 0 and brings every host up. With no option, prints the
faults in force. Exit 0; 1 for an unknown host; 64 for a usage error.`,
  options: [
    { name: 'error-rate', type: 'string', value: 'R', description: 'fraction (0..1) of apply calls failing with a transient error, before any effect' },
    { name: 'timeout-rate', type: 'string', value: 'R', description: 'fraction (0..1) of apply calls that take effect and then time out' },
    { name: 'permanent-error-rate', type: 'string', value: 'R', description: 'fraction (0..1) of apply calls failing with a permanent error, before any effect' },
    { name: 'host', type: 'string', value: 'H', multiple: true, description: 'host to take --down or bring --up (repeatable)' },
    { name: 'down', type: 'boolean', description: 'take the --host down' },
    { name: 'up', type: 'boolean', description: 'bring the --host back up' },
    { name: 'clear', type: 'boolean', description: 'remove every fault: rates 0, all hosts up' },
    { name: 'json', type: 'boolean', description: 'print {"faults","hostsDown"} after the change' },
    ...simWorldOptions,
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const rates = parseRates(args);
    const hosts = (args.values.host as string[] | undefined) ?? [];
    const down = args.values.down === true;
    const up = args.values.up === true;
    const clear = args.values.clear === true;
    if (down && up) throw new UsageError('--down and --up exclude each other');
    if ((down || up) && hosts.length === 0) throw new UsageError(`--${down ? 'down' : 'up'} needs --host H`);
    if (hosts.length > 0 && !down && !up) throw new UsageError('--host needs --down or --up');
    if (clear && (hosts.length > 0 || Object.keys(rates).length > 0)) throw new UsageError('--clear removes every fault; give it alone');
    const stateDir = simStateDir(args, io);

    const changing = clear || hosts.length > 0 || Object.keys(rates).length > 0;
    if (!changing && !simulatorWorldExists(stateDir)) {
      if (args.values.json) io.stdout.write(`${JSON.stringify({ faults: NO_FAULTS, hostsDown: [] })}\n`);
      else io.stdout.write('faults: none\n');
      return ExitCode.ok;
    }
    // Rates may be set before anything was applied (the world is created for them); a host must already exist.
    const world = openWorldFor('sim fault', stateDir, io, hosts.length > 0);
    if (typeof world === 'number') return world;
    if (Object.keys(rates).length > 0) {
      const problem = faultRatesProblem({ ...readFaults(world), ...rates });
      if (problem) throw new UsageError(problem);
      await setFaults(world, rates);
    }
    try {
      for (const h of hosts) await setHostDown(world, h, down);
    } catch (err) {
      if (!(err instanceof SimulatorTargetError)) throw err;
      io.stderr.write(`cairn sim fault: ${err.message}\n`);
      return ExitCode.invalid;
    }
    if (clear) await clearFaults(world);
    const faults = readFaults(world);
    const hostsDown = downHosts(world);
    if (args.values.json) io.stdout.write(`${JSON.stringify({ faults, hostsDown })}\n`);
    else io.stdout.write(`faults${changing ? ' now' : ''}: ${describeFaults(faults, hostsDown)}\n`);
    return ExitCode.ok;
  },
};
