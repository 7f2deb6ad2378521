/**
 * Building blocks that make scenarios read like the incident report: pages that qualify a
 * watchlist when opened, tasks that collect a symbol and disconnect, faults at a point in time.
 */
import type { ContractSpec } from '../collector/gateway-client.ts';
import type { HistorySpec } from '../collector/history-collector.ts';
import type { FaultSpec } from '../simulator/faults/registry.ts';
import type { ActorPlan, FaultStep } from './types.ts';

/** The incident's symbols, defined once for the whole project (common/instruments.ts). */
export { AAPL, MSFT, TSLA, TTE, WATCHLIST, WLN } from '../common/instruments.ts';

export const ONE_DAY_HOURLY: HistorySpec = { duration: '1 D', barSize: '1 hour' };

interface Timing {
  /** Model ms after the start. */
  at?: number;
  /** A hard-wired client id, as the incident's code had. */
  clientId?: number;
}

/** A UI page: qualifies its symbols (all at once, as qualifyContracts does) when it opens, then stays open. */
export function page(name: string, o: Timing & { qualify: readonly ContractSpec[] }): ActorPlan {
  return {
    name,
    role: 'ui',
    ...timing(o),
    async script(ctx) {
      await Promise.all(o.qualify.map((c) => ctx.qualify(c)));
    },
  };
}

/** A background task: qualifies and collects history for its symbols, then disconnects. */
export function task(name: string, o: Timing & { collect: readonly ContractSpec[]; history?: HistorySpec; deadlineMs?: number }): ActorPlan {
  return {
    name,
    role: 'worker',
    closeWhenDone: true,
    ...timing(o),
    async script(ctx) {
      // Like the incident's tasks: connect first; a task that cannot connect ends there (the
      // failure is in the recorded history).
      const connected = await ctx.client.connect().then(
        () => true,
        () => false,
      );
      if (!connected) return;
      await Promise.all(
        o.collect.map(async (c) => {
          if (!o.history) {
            await ctx.qualify(c, o.deadlineMs === undefined ? undefined : { deadlineMs: o.deadlineMs });
            return;
          }
          await ctx.collect(c, o.history);
        }),
      );
    },
  };
}

/** An actor with a script of its own. */
export function actor(name: string, role: 'ui' | 'worker', script: ActorPlan['script'], o: Timing & { closeWhenDone?: boolean } = {}): ActorPlan {
  return { name, role, script, ...timing(o), ...(o.closeWhenDone ? { closeWhenDone: true } : {}) };
}

/** A fault at `atMs` model ms after the start, e.g. `at(2_500, { kind: 'restart' })`. */
export function at(atMs: number, fault: FaultSpec, description?: string): FaultStep {
  return { atMs, fault, ...(description ? { description } : {}) };
}

function timing(o: Timing): Pick<ActorPlan, 'startAtMs' | 'clientId'> {
  return { ...(o.at !== undefined ? { startAtMs: o.at } : {}), ...(o.clientId !== undefined ? { clientId: o.clientId } : {}) };
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
