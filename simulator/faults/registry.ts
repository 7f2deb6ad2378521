/**
 * Every fault kind, once. The FaultSpec type and its schema are derived from this list, so a new
 * kind is one file plus one line here (docs/adding-a-fault.md).
 */
import { z } from 'zod';
import { parseWith } from '../../common/schema.ts';
import { connectivity } from './connectivity.ts';
import { delay } from './delay.ts';
import { disconnect } from './disconnect.ts';
import { drop } from './drop.ts';
import { error } from './error.ts';
import { ignore } from './ignore.ts';
import type { GatewayFaultKind, SessionFaultKind } from './kind.ts';
import { restart } from './restart.ts';
import { slowConsumer } from './slow-consumer.ts';
import { stall } from './stall.ts';

export const FAULT_KINDS = [ignore, delay, error, stall, disconnect, drop, slowConsumer, connectivity, restart] as const;

type Kinds = (typeof FAULT_KINDS)[number];

/** One fault, as JSON: `{"kind": …, …its parameters, "match"?, "after"?, "times"?}`. */
export type FaultSpec = Kinds extends SessionFaultKind<infer S> | GatewayFaultKind<infer S> ? S : never;
export type FaultKindName = FaultSpec['kind'];

/** The schema of every FaultSpec (strict: unknown fields are refused). */
export const faultSpecSchema = z.discriminatedUnion(
  'kind',
  FAULT_KINDS.map((k) => k.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<FaultSpec>;

/** Validate a fault spec from JSON; throws a SchemaError naming the field and the legal values. */
export function parseFaultSpec(input: unknown): FaultSpec {
  return parseWith(faultSpecSchema, input, 'fault');
}

const byName = new Map<string, SessionFaultKind<never> | GatewayFaultKind<never>>(FAULT_KINDS.map((k) => [k.name, k as never]));

/** The kind object of a spec. */
export function faultKind(spec: FaultSpec): SessionFaultKind<FaultSpec> | GatewayFaultKind<FaultSpec> {
  return byName.get(spec.kind) as unknown as SessionFaultKind<FaultSpec> | GatewayFaultKind<FaultSpec>;
}

/** One line saying what a spec does. */
export function describeFault(spec: FaultSpec): string {
  return faultKind(spec).describe(spec);
}
