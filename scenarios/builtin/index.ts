import type { Scenario } from '../types.ts';
import { connectivity11001102, gatewayRestartMidCollection, zombieSession } from './faults.ts';
import { fastReconnect, randomIdBirthday } from './ids.ts';
import { clientId326, diagnosticSingleClient, tteWlnAfterFix, tteWlnBeforeFix, tteWlnPooled } from './incident.ts';
import { historyPacing162, messageRate100 } from './limits.ts';

/** Every built-in scenario, by name, in the order `scenario list` shows them. */
export const SCENARIOS: readonly Scenario[] = [
  tteWlnBeforeFix,
  tteWlnAfterFix,
  tteWlnPooled,
  diagnosticSingleClient,
  clientId326,
  randomIdBirthday,
  fastReconnect,
  gatewayRestartMidCollection,
  connectivity11001102,
  zombieSession,
  messageRate100,
  historyPacing162,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
