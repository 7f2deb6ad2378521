/**
 * REQ_SMART_COMPONENTS: which exchange each one-letter code in a SMART quote stands for. A
 * market-data answer names its map in TICK_REQ_PARAMS (`bboExchange`); a client asks for the map
 * by that name. The letters are the participant ids of the US consolidated tape; IB's own map was
 * not captured. docs/wire-facts/contracts.md#smart-components
 */

export interface SmartComponent {
  bitNumber: number;
  exchange: string;
  exchangeLetter: string;
}

/**
 * The bboExchange name of US stocks' SMART components. Market-data answers (TICK_REQ_PARAMS) for
 * US stocks should send this value so that reqSmartComponents finds the map. Its form copies
 * values seen in public logs (`9c0001`, `a60001`).
 */
export const US_STOCK_BBO_EXCHANGE = '9c0001';

/** IB exchange name → consolidated-tape participant letter. */
const US_PARTICIPANTS: ReadonlyArray<[string, string]> = [
  ['AMEX', 'A'],
  ['BEX', 'B'],
  ['NYSENAT', 'C'],
  ['PEARL', 'H'],
  ['ISE', 'I'],
  ['EDGEA', 'J'],
  ['EDGX', 'K'],
  ['LTSE', 'L'],
  ['CHX', 'M'],
  ['NYSE', 'N'],
  ['ARCA', 'P'],
  ['ISLAND', 'Q'],
  ['MEMX', 'U'],
  ['IEX', 'V'],
  ['PSX', 'X'],
  ['BYX', 'Y'],
  ['BATS', 'Z'],
];

const MAPS: ReadonlyMap<string, readonly SmartComponent[]> = new Map([
  [US_STOCK_BBO_EXCHANGE, US_PARTICIPANTS.map(([exchange, exchangeLetter], i) => ({ bitNumber: i + 1, exchange, exchangeLetter }))],
]);

/** The components behind a bboExchange name; empty for a name the simulator never sends. */
export function smartComponents(bboExchange: string): readonly SmartComponent[] {
  return MAPS.get(bboExchange.trim().toLowerCase()) ?? [];
}
