import type { Clock } from '../common/clock.ts';
import type { Rng } from '../common/rng.ts';
import type { CollectorClient } from '../collector/strategies/index.ts';
import type { ActorContext } from './types.ts';

/**
 * What an actor's script sees. Failures are already in the recorded history (the collector
 * records every operation), so the helpers swallow them: a scenario reports what happened, and
 * its expectations decide whether that was right.
 */
export function actorContext(
  name: string,
  client: CollectorClient,
  clock: Clock,
  rng: Rng,
  gate: (label: string) => Promise<unknown> = async () => {},
): ActorContext {
  // `gate` lets a property test's scheduler pick the order of operations issued at one instant.
  const qualify: ActorContext['qualify'] = async (spec, opts) => {
    await gate(`${name} qualify ${spec.symbol}`);
    return client.qualify(spec, opts).catch(() => undefined);
  };
  return {
    name,
    clock,
    rng,
    client,
    sleep: (ms) => clock.sleep(ms),
    qualify,
    async collect(spec, history) {
      const r = await qualify(spec);
      if (r?.kind !== 'qualified') return;
      await client.collectHistory(r.contract, history).catch(() => undefined);
    },
  };
}
