/**
 * Contract field groups that client and server messages share, in the order the official
 * EClient.java / EDecoder.java (TWS API 10.34.02) write and read them. Layout facts:
 * docs/wire-facts/contracts.md#req_contract_data-9, docs/wire-facts/market-data.md#requests,
 * docs/wire-facts/orders.md#place_order-3.
 */
import { bool, double, int, list, str, type Gate } from './schema.ts';

/**
 * `secType` is BAG (a combo). The official client compares ignoring case (`equalsIgnoreCase`),
 * @stoqey/ib upper-cases; ib_async compares exactly. We follow the official client.
 */
export const isBag = (m: Record<string, unknown>): boolean => String(m.secType ?? '').toUpperCase() === 'BAG';

/** The seven fields every contract on the wire starts with. */
export const contractHead = [
  int('conId'),
  str('symbol'),
  str('secType'),
  str('lastTradeDateOrContractMonth'),
  double('strike'),
  str('right'),
  str('multiplier'),
] as const;

/** The twelve contract fields most requests send (EClient `send(Contract)` without includeExpired). */
export const contractFields = [...contractHead, str('exchange'), str('primaryExchange'), str('currency'), str('localSymbol'), str('tradingClass')] as const;

/** The contract without primaryExchange: orders, executions, positions, EXERCISE_OPTIONS. */
export const contractFieldsNoPrimary = [...contractHead, str('exchange'), str('currency'), str('localSymbol'), str('tradingClass')] as const;

/** Combo legs as market-data and history requests send them: only for BAG contracts. */
export const comboLegs = list('comboLegs', [int('conId'), int('ratio'), str('action'), str('exchange')], { when: isBag });

const withDeltaNeutral: Gate = { when: (m) => Boolean(m.deltaNeutralContract) };

/**
 * A contract's delta-neutral (hedge) contract: a flag, then conId, delta and price when set
 * (EClient reqMktData / placeOrder, EOrderDecoder readDeltaNeutral).
 */
export const deltaNeutralContractFields = [
  bool('deltaNeutralContract'),
  int('deltaNeutralContractConId', withDeltaNeutral),
  double('deltaNeutralContractDelta', withDeltaNeutral),
  double('deltaNeutralContractPrice', withDeltaNeutral),
] as const;
