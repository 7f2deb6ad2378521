/**
 * The contract fields of a request as the matcher reads them: upper-cased, trimmed, the pre-v75
 * `SMART:NASDAQ` form split, unset numbers as 0. And the field-by-field test of one instrument
 * against them (docs/wire-facts/contracts.md#how-the-gateway-matches-a-query).
 */
import type { Instrument } from './instrument.ts';

/** The contract fields of REQ_CONTRACT_DATA / REQ_HISTORICAL_DATA the matcher looks at. */
export interface ContractQuery {
  conId?: number;
  symbol?: string;
  secType?: string;
  /** `yyyyMMdd` (one expiry) or `yyyyMM` (every expiry of that month). */
  lastTradeDateOrContractMonth?: string;
  strike?: number;
  right?: string;
  multiplier?: string;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
  localSymbol?: string;
  tradingClass?: string;
  includeExpired?: boolean;
  secIdType?: string;
  secId?: string;
}

export interface NormalQuery {
  conId: number;
  symbol: string;
  secType: string;
  expiry: string;
  /**
   * 0 when not given; a negative strike is kept as given, so that it matches no contract (error
   * 200) rather than counting as unset (docs/wire-facts/contracts.md#a-strike-that-cannot-be).
   */
  strike: number;
  right: '' | 'C' | 'P';
  multiplier: string;
  exchange: string;
  primaryExchange: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
  includeExpired: boolean;
  secIdType: string;
  secId: string;
}

const up = (s: string | undefined) => (s ?? '').trim().toUpperCase();

/** `C`/`CALL` and `P`/`PUT`, as the official client accepts them. */
function normalRight(r: string | undefined): '' | 'C' | 'P' {
  const v = up(r);
  if (v === 'C' || v === 'CALL') return 'C';
  if (v === 'P' || v === 'PUT') return 'P';
  return '';
}

/**
 * A strike that is really set: clients write unset doubles as 0, "" or Double.MAX_VALUE, so those
 * read as 0 (not given). Any other number, a negative one included, is a strike the query names.
 */
const givenNumber = (n: number | undefined) => (n !== undefined && Number.isFinite(n) && n !== 0 && n < 1e300 ? n : 0);

export function normalize(q: ContractQuery): NormalQuery {
  let exchange = up(q.exchange);
  let primaryExchange = up(q.primaryExchange);
  // Clients older than v75 fold the primary exchange into the exchange as `SMART:NASDAQ`.
  const colon = exchange.indexOf(':');
  if (colon >= 0) {
    primaryExchange ||= exchange.slice(colon + 1);
    exchange = exchange.slice(0, colon);
  }
  return {
    conId: Number.isFinite(q.conId) ? Math.trunc(q.conId ?? 0) : 0,
    symbol: up(q.symbol),
    secType: up(q.secType),
    expiry: up(q.lastTradeDateOrContractMonth),
    strike: givenNumber(q.strike),
    right: normalRight(q.right),
    multiplier: up(q.multiplier),
    exchange,
    primaryExchange,
    currency: up(q.currency),
    localSymbol: up(q.localSymbol),
    tradingClass: up(q.tradingClass),
    includeExpired: Boolean(q.includeExpired),
    secIdType: up(q.secIdType),
    secId: up(q.secId),
  };
}

// TWS has reported NASDAQ listings both as NASDAQ and as ISLAND
// (docs/wire-facts/contracts.md#primaryexchange-nasdaq-or-island); accept either spelling.
const primaryAlias = (ex: string) => (ex === 'ISLAND' ? 'NASDAQ' : ex);

/** A `yyyyMM` or `yyyyMMdd` query against a derivative's dates (docs/wire-facts/contracts.md#options). */
function expiryAgrees(inst: Instrument, expiry: string): boolean {
  const d = inst.derivative;
  if (!d) return false;
  if (expiry.length === 6) return d.contractMonth === expiry || d.lastTradeDate.startsWith(expiry);
  return d.lastTradeDate === expiry || d.realExpirationDate === expiry;
}

/** The optional fields of a query: each one, when given, must agree. */
export function agrees(inst: Instrument, q: NormalQuery): boolean {
  if (q.symbol && inst.symbol.toUpperCase() !== q.symbol) return false;
  if (q.secType && inst.secType !== q.secType) return false;
  if (q.currency && inst.currency !== q.currency) return false;
  if (q.primaryExchange && primaryAlias(inst.primaryExchange) !== primaryAlias(q.primaryExchange)) return false;
  if (q.localSymbol && inst.localSymbol.toUpperCase() !== q.localSymbol) return false;
  if (q.tradingClass && inst.tradingClass.toUpperCase() !== q.tradingClass) return false;
  const d = inst.derivative;
  if (q.expiry && !expiryAgrees(inst, q.expiry)) return false;
  if (q.strike && (!d || Math.abs(d.strike - q.strike) > 1e-6)) return false;
  if (q.right && d?.right !== q.right) return false;
  if (q.multiplier && (!d || Number(d.multiplier) !== Number(q.multiplier))) return false;
  return true;
}

export function hasSecId(inst: Instrument, q: NormalQuery): boolean {
  return Object.entries(inst.secIds).some(([type, value]) => (!q.secIdType || type === q.secIdType) && value.toUpperCase() === q.secId);
}

/**
 * With a conId the other fields are only checked loosely: the identity ones must not contradict.
 * docs/wire-facts/contracts.md#a-conid-alone
 */
export function conIdAgrees(inst: Instrument, q: NormalQuery): boolean {
  if (q.symbol && inst.symbol.toUpperCase() !== q.symbol) return false;
  if (q.secType && inst.secType !== q.secType && !(q.secType === 'CONTFUT' && inst.secType === 'FUT')) return false;
  return !(q.currency && inst.currency !== q.currency);
}
