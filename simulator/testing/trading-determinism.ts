/**
 * The check both trading-determinism tests make (the gateway model in virtual time, and TCP with
 * the unmodified @stoqey/ib): a session's order frames as journalled, encoded at its server version,
 * and the claim that one seed reproduces them byte for byte while another seed cuts the same orders
 * into other fills.
 */
import { expect } from 'vitest';
import type { Journal } from '../model/journal.ts';
import { encodeServerMessage, type ServerMessage } from '../protocol/index.ts';

/** What the order frames are: everything a client learns of its orders, fills and positions. */
const ORDER_FRAMES = new Set(['OPEN_ORDER', 'ORDER_STATUS', 'EXECUTION_DATA', 'COMMISSION_REPORT', 'COMPLETED_ORDER', 'POSITION', 'ERR_MSG']);

/** The order frames the gateway sent `session`, each with its model instant (ms) and bytes (hex). */
export function orderFrames(journal: Journal, session: { id: number; version: number }): Array<{ at: number; frame: string }> {
  return journal
    .query({ dir: 'out', sessionId: session.id })
    .filter((e) => ORDER_FRAMES.has(e.message.type))
    .map((e) => ({ at: e.at, frame: encodeServerMessage(e.message as unknown as ServerMessage, session.version).toString('hex') }));
}

/** One run's frames and its fills as `[orderId, time, shares, price]`. */
export interface TradingRun {
  frames: Array<{ at: number; frame: string }>;
  fills: unknown[][];
}

/**
 * Runs `run` with seed 7 twice and seed 8 once: more than three fills, the same frames byte for
 * byte (and instant for instant) for the same seed, other fills of the same total shares for the
 * other seed. Returns the first run, for a caller's own checks.
 */
export async function expectSeedReproducesFills<R extends TradingRun>(run: (seed: number) => Promise<R>): Promise<R> {
  const a = await run(7);
  const b = await run(7);
  expect(a.fills.length).toBeGreaterThan(3);
  expect(a.frames.length).toBeGreaterThan(2 * a.fills.length);
  expect(b.frames).toEqual(a.frames);

  const other = await run(8);
  expect(other.fills).not.toEqual(a.fills);
  // The same orders fill in full either way: only how they are cut into pieces differs.
  const total = (fills: unknown[][]) => fills.reduce((s, f) => s + (f[2] as number), 0);
  expect(total(other.fills)).toBe(total(a.fills));
  return a;
}
