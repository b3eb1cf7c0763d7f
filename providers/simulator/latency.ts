import fs from 'node:fs';
import path from 'node:path';
import { KINDS, type Kind } from '../../desired-state/model.js';
import { SimulatorConfigError } from './errors/simulator-config-error.js';

/** Milliseconds per call: `default`, `observe` (one unit per observe call, not per object) and per kind. */
export type LatencyTable = { default?: number; observe?: number } & Partial<Record<Kind, number>>;

/** Small but not zero: concurrency and ordering bugs need calls to overlap to show. */
export const DEFAULT_LATENCY_MS = 2;

export const SIMULATOR_CONFIG = 'simulator.json';

export interface ResolvedLatency {
  of(kind: Kind): number;
  observe: number;
}

/**
 * Resolves latency, the most specific setting winning: a per-kind value (constructor, then
 * `<stateDir>/simulator.json`), else the default (constructor, then the file, then
 * `CAIRN_SIM_LATENCY_MS`, then 2 ms). Observe uses `observe` if set, else the default.
 */
export function resolveLatency(stateDir: string, option: number | LatencyTable | undefined, env: NodeJS.ProcessEnv): ResolvedLatency {
  const fromFile = readConfigLatency(stateDir);
  const fromOption: LatencyTable = typeof option === 'number' ? { default: option } : option ?? {};
  checkTable(fromOption, 'the latencyMs option');
  const envValue = env.CAIRN_SIM_LATENCY_MS;
  let fromEnv: number | undefined;
  if (envValue !== undefined && envValue.trim() !== '') {
    fromEnv = Number(envValue);
    if (!Number.isFinite(fromEnv) || fromEnv < 0) throw new SimulatorConfigError(`CAIRN_SIM_LATENCY_MS must be a number of milliseconds ≥ 0 (got ${JSON.stringify(envValue)})`);
  }
  const base = fromOption.default ?? fromFile.default ?? fromEnv ?? DEFAULT_LATENCY_MS;
  const perKind = new Map<Kind, number>();
  for (const k of KINDS) perKind.set(k, fromOption[k] ?? fromFile[k] ?? base);
  return { of: (kind) => perKind.get(kind) ?? base, observe: fromOption.observe ?? fromFile.observe ?? base };
}

function readConfigLatency(stateDir: string): LatencyTable {
  const file = path.join(stateDir, SIMULATOR_CONFIG);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SimulatorConfigError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new SimulatorConfigError(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new SimulatorConfigError(`${file} must hold an object such as {"latencyMs": {"VirtualMachine": 20}}`);
  const latency = (config as { latencyMs?: unknown }).latencyMs;
  if (latency === undefined) return {};
  if (typeof latency === 'number') return checkTable({ default: latency }, file);
  if (typeof latency !== 'object' || latency === null || Array.isArray(latency)) throw new SimulatorConfigError(`${file}: latencyMs must be a number or an object of milliseconds by kind`);
  return checkTable(latency as LatencyTable, file);
}

function checkTable(table: LatencyTable, where: string): LatencyTable {
  const keys = new Set<string>(['default', 'observe', ...KINDS]);
  for (const [k, v] of Object.entries(table)) {
    if (!keys.has(k)) throw new SimulatorConfigError(`${where}: unknown latency key "${k}" (use default, observe or a kind such as VirtualMachine)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new SimulatorConfigError(`${where}: latencyMs.${k} must be a number ≥ 0 (got ${JSON.stringify(v)})`);
  }
  return table;
}
