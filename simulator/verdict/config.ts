/**
 * The verdict's thresholds: a small JSON file (`--verdict-config file.json`), every field optional,
 * unknown fields refused. The defaults (`DEFAULT_VERDICT_CONFIG`, documented in README "Verdicts")
 * flag the incident's designs and pass one session per process.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../../common/exit-codes.ts';
import { count, parseWith, SchemaError, strictObject } from '../../common/schema.ts';
import { CHECK_IDS, type verdictConfigSchema, type CheckId } from './schema.ts';

/** The thresholds (each field documented in schema.ts `verdictConfigSchema`). */
export type VerdictConfig = z.infer<typeof verdictConfigSchema>;

export const DEFAULT_VERDICT_CONFIG: VerdictConfig = {
  remoteProcesses: 'host',
  maxEvidence: 20,
  churn: { maxConnectsPerMinute: 10 },
  concurrency: { maxConnectionsPerProcess: 1 },
  secdefWait: { p99Ms: 10_000, maxMs: 30_000 },
  rate: { failOnWarnings: false, warningCodes: [] },
  unanswered: { minAgeMs: 0 },
  failOn: [],
  timeline: { maxBars: 2_000, maxConnections: 40 },
};

const checkId = z.enum(CHECK_IDS, `must be a check id: ${CHECK_IDS.join(', ')}`);

const configFileSchema = strictObject({
  remoteProcesses: z.union([z.literal('host'), count().min(1)], 'must be "host" or a whole number of processes >= 1').optional(),
  maxEvidence: count().min(1).max(10_000).optional(),
  churn: strictObject({ maxConnectsPerMinute: count().optional() }).optional(),
  concurrency: strictObject({ maxConnectionsPerProcess: count().min(1).optional() }).optional(),
  secdefWait: strictObject({ p99Ms: count().optional(), maxMs: count().optional() }).optional(),
  rate: strictObject({ failOnWarnings: z.boolean().optional(), warningCodes: z.array(z.number().int()).optional() }).optional(),
  unanswered: strictObject({ minAgeMs: count().optional() }).optional(),
  failOn: z.array(checkId).optional(),
  timeline: strictObject({ maxBars: count().min(1).max(100_000).optional(), maxConnections: count().min(1).max(1_000).optional() }).optional(),
});

export type VerdictConfigInput = z.infer<typeof configFileSchema>;

/** The defaults with `input`'s fields laid over them; throws a SchemaError naming a bad field. */
export function verdictConfig(input: unknown = {}): VerdictConfig {
  const o = parseWith(configFileSchema, input, 'verdict config');
  const d = DEFAULT_VERDICT_CONFIG;
  return {
    remoteProcesses: o.remoteProcesses ?? d.remoteProcesses,
    maxEvidence: o.maxEvidence ?? d.maxEvidence,
    churn: { ...d.churn, ...defined(o.churn) },
    concurrency: { ...d.concurrency, ...defined(o.concurrency) },
    secdefWait: { ...d.secdefWait, ...defined(o.secdefWait) },
    rate: { ...d.rate, ...defined(o.rate) },
    unanswered: { ...d.unanswered, ...defined(o.unanswered) },
    failOn: o.failOn ?? d.failOn,
    timeline: { ...d.timeline, ...defined(o.timeline) },
  };
}

const defined = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Read a config file; a missing, unreadable or invalid file is a UsageError (exit 2) naming the file and the field. */
export function loadVerdictConfig(file: string): VerdictConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the verdict config ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the verdict config ${file} is not JSON: ${(err as Error).message}`);
  }
  try {
    return verdictConfig(json);
  } catch (err) {
    if (err instanceof SchemaError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

/**
 * `--fail-on` text: check ids separated by commas, or `all`. An unknown id is a UsageError that
 * lists the known ones.
 */
export function parseFailOn(list: string): CheckId[] {
  const ids = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError(`--fail-on needs at least one check id (${CHECK_IDS.join(', ')}) or "all"`);
  if (ids.includes('all')) return [...CHECK_IDS];
  const unknown = ids.filter((id) => !(CHECK_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new UsageError(`--fail-on: unknown check "${unknown[0]}"; known: ${CHECK_IDS.join(', ')}, or all`);
  return CHECK_IDS.filter((id) => ids.includes(id));
}
