/**
 * Every fault kind, once. The FaultSpec type and its schema are derived from this list, so a new
 * kind is one file plus one line here (docs/adding-a-fault.md).
 */
import { z } from 'zod';
import { parseWith } from '../../common/schema.ts';
import { connectivity, connectivitySchema } from './connectivity.ts';
import { delay, delaySchema } from './delay.ts';
import { disconnect, disconnectSchema } from './disconnect.ts';
import { drop, dropSchema } from './drop.ts';
import { error, errorSchema } from './error.ts';
import { ignore, ignoreSchema } from './ignore.ts';
import type { GatewayFaultKind, SessionFaultKind } from './kind.ts';
import { partialFill, partialFillSchema } from './partial-fill.ts';
import { restart, restartSchema } from './restart.ts';
import { slowConsumer, slowConsumerSchema } from './slow-consumer.ts';
import { stall, stallSchema } from './stall.ts';

/** Every kind's behaviour. */
export const FAULT_KINDS = [ignore, delay, error, stall, disconnect, drop, slowConsumer, partialFill, connectivity, restart] as const;

/** The schema of every FaultSpec (strict: unknown fields are refused), in the same order. */
export const faultSpecSchema = z.discriminatedUnion('kind', [
  ignoreSchema,
  delaySchema,
  errorSchema,
  stallSchema,
  disconnectSchema,
  dropSchema,
  slowConsumerSchema,
  partialFillSchema,
  connectivitySchema,
  restartSchema,
]);

/** One fault, as JSON: `{"kind": …, …its parameters, "match"?, "after"?, "times"?}`. */
export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultKindName = FaultSpec['kind'];

// Each kind object handles exactly its own spec.
type Covered = (typeof FAULT_KINDS)[number]['name'];
const everyKindHasBehaviour: [FaultKindName] extends [Covered] ? ([Covered] extends [FaultKindName] ? true : false) : false = true;
void everyKindHasBehaviour;

/** Validate a fault spec from JSON; throws a SchemaError naming the field and the legal values. */
export function parseFaultSpec(input: unknown): FaultSpec {
  return parseWith(faultSpecSchema, input, 'fault');
}

const byName = new Map<string, unknown>(FAULT_KINDS.map((k) => [k.name, k]));

/** The kind object of a spec. */
export function faultKind(spec: FaultSpec): SessionFaultKind<FaultSpec> | GatewayFaultKind<FaultSpec> {
  return byName.get(spec.kind) as SessionFaultKind<FaultSpec> | GatewayFaultKind<FaultSpec>;
}

/** One line saying what a spec does. */
export function describeFault(spec: FaultSpec): string {
  return faultKind(spec).describe(spec);
}
