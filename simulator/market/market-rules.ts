/**
 * Market rules: the price increments that apply from each price level up (REQ_MARKET_RULE). Every
 * id a contract-details answer names in `marketRuleIds` is in this table, so a client that looks
 * them up always gets an answer. Ids 26, 32 and 239 are IB's (docs/wire-facts/contracts.md#market-rules);
 * ids from 90001 are the simulator's own for contracts whose real rule id is not public.
 */
import { FUTURES_QUARTER_TICK_RULE, PENNY_OPTION_RULE, PENNY_PILOT_OPTION_RULE, SPX_OPTION_RULE } from './generated/families.ts';

/** USD.JPY's rule in simulator/data/contracts.json (its real id is not public). */
export const FX_JPY_RULE = 90_005;

export interface PriceIncrement {
  /** The increment applies from this price up (to the next row's lowEdge). */
  lowEdge: number;
  increment: number;
}

export interface MarketRule {
  id: number;
  increments: readonly PriceIncrement[];
  /** False for the simulator's own ids (90001+). */
  real: boolean;
  note: string;
}

const rule = (id: number, real: boolean, note: string, ...pairs: Array<[number, number]>): MarketRule => ({
  id,
  real,
  note,
  increments: pairs.map(([lowEdge, increment]) => ({ lowEdge, increment })),
});

export const MARKET_RULES: ReadonlyMap<number, MarketRule> = new Map(
  [
    rule(26, true, 'US stocks: one cent at every price', [0, 0.01]),
    rule(32, true, 'US stocks (some venues): one cent at every price', [0, 0.01]),
    rule(239, true, 'IDEALPRO forex: half a pip', [0, 0.00005]),
    rule(FUTURES_QUARTER_TICK_RULE, false, 'CME equity index futures (ES, NQ): a quarter point', [0, 0.25]),
    rule(PENNY_PILOT_OPTION_RULE, false, 'Penny-interval equity options: 0.01 below 3.00, 0.05 from 3.00', [0, 0.01], [3, 0.05]),
    rule(PENNY_OPTION_RULE, false, 'Equity options quoted in pennies at every price (SPY, QQQ)', [0, 0.01]),
    rule(SPX_OPTION_RULE, false, 'SPX options: 0.05 below 3.00, 0.10 from 3.00', [0, 0.05], [3, 0.1]),
    rule(FX_JPY_RULE, false, 'IDEALPRO forex quoted in yen (USD.JPY): half a pip', [0, 0.005]),
  ].map((r) => [r.id, r]),
);

/** The increments of a market rule, or undefined for an id the simulator does not know. */
export function marketRule(id: number): readonly PriceIncrement[] | undefined {
  return MARKET_RULES.get(id)?.increments;
}
