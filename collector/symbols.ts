/**
 * What users type, checked before anything is written or sent: history parameters and, mostly,
 * the watchlist syntax `SYMBOL[:CURRENCY][@PRIMARYEXCHANGE]`, comma-separated, e.g.
 * `TTE:EUR,WLN,AAPL:USD,SAP:EUR@IBIS`. A bare symbol carries no currency on purpose: when the
 * gateway lists it more than once (TTE on SBF in EUR and on NYSE in USD) the answer is
 * "ambiguous, here are the candidates", which tells the user what to add — guessing a listing
 * would silently collect the wrong series.
 */
import { BAR_SIZES as LEGAL_BAR_SIZES, findBarSize } from '../common/ib/bar-sizes.ts';
import {
  durationUnitRefusal,
  MAX_REQUESTS_PER_WINDOW,
  MAX_SMALL_BARS,
  MAX_UNITS,
  notADuration,
  parseDuration,
  requestsForWindow,
  tooManySmallBars,
} from '../common/ib/durations.ts';
import { findWhatToShow, WHAT_TO_SHOW, whatToShowRefusal } from '../common/ib/what-to-show.ts';
import { CollectorError } from './errors.ts';
import type { ContractSpec } from './gateway-client.ts';

/** The incident's five symbols, each pinned to the listing it meant. */
export const DEFAULT_WATCHLIST = 'TTE:EUR,WLN:EUR,AAPL:USD,TSLA:USD,MSFT:USD';

/** Bad user input (CLI flag, HTTP body field); `field` names where it came from. */
export class InvalidInput extends CollectorError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('INVALID_INPUT', `${field}: ${detail}`, { retryable: false });
  }
}

export interface SymbolSpec extends ContractSpec {
  /** The item as the user wrote it, normalized (`tte:eur` → `TTE:EUR`): the row label in reports. */
  label: string;
}

// IB symbols are letters and digits with the odd `.`, `-`, `/` or inner space (`BRK B`, `RDS.A`).
const SYMBOL = /^[A-Z0-9](?:[A-Z0-9./-]| (?=[A-Z0-9]))*$/;
const CURRENCY = /^[A-Z]{3}$/;
const EXCHANGE = /^[A-Z][A-Z0-9.]{1,15}$/;
const MAX_SYMBOL_LENGTH = 32;

/** One item of the syntax. `field` is used in error messages (`--symbols item 3`, `body.symbol`). */
export function parseSymbol(item: string, field = 'symbol'): SymbolSpec {
  const text = item.trim().toUpperCase();
  if (text === '') throw new InvalidInput(field, 'empty symbol');
  const quoted = JSON.stringify(item.trim());
  const at = text.split('@');
  if (at.length > 2) throw new InvalidInput(field, `${quoted} has more than one "@"; expected SYMBOL[:CURRENCY][@PRIMARYEXCHANGE]`);
  const colon = at[0]!.split(':');
  if (colon.length > 2) throw new InvalidInput(field, `${quoted} has more than one ":"; expected SYMBOL[:CURRENCY][@PRIMARYEXCHANGE]`);
  const symbol = colon[0]!.trim();
  const currency = colon[1]?.trim();
  const primaryExchange = at[1]?.trim();
  if (symbol === '') throw new InvalidInput(field, `${quoted} has no symbol before ":" or "@"`);
  if (symbol.length > MAX_SYMBOL_LENGTH || !SYMBOL.test(symbol)) {
    throw new InvalidInput(field, `${quoted}: "${symbol}" is not a symbol (letters, digits, ".", "-", "/", at most ${MAX_SYMBOL_LENGTH} characters)`);
  }
  if (currency !== undefined && !CURRENCY.test(currency)) {
    throw new InvalidInput(field, `${quoted}: currency "${currency}" is not a 3-letter ISO code (e.g. EUR, USD)`);
  }
  if (primaryExchange !== undefined && !EXCHANGE.test(primaryExchange)) {
    throw new InvalidInput(field, `${quoted}: primary exchange "${primaryExchange}" is not an exchange code (e.g. SBF, NYSE, IBIS)`);
  }
  return {
    symbol,
    secType: 'STK',
    exchange: 'SMART',
    ...(currency ? { currency } : {}),
    ...(primaryExchange ? { primaryExchange } : {}),
    label: formatSymbol({ symbol, currency, primaryExchange }),
  };
}

/** A comma-separated list; duplicates collapse to one. Errors name the item by position and text. */
export function parseSymbolList(text: string, field = '--symbols'): SymbolSpec[] {
  const items = text.split(',');
  if (items.every((i) => i.trim() === '')) throw new InvalidInput(field, 'no symbols given');
  return dedupe(items.map((item, i) => parseSymbol(item, `${field} item ${i + 1}`)));
}

/** Items from an HTTP body: strings in the list syntax or `{symbol, currency?, primaryExchange?, secType?}`. */
export function parseSymbolItems(items: unknown, field = 'symbols'): SymbolSpec[] {
  if (typeof items === 'string') return parseSymbolList(items, field);
  if (!Array.isArray(items)) throw new InvalidInput(field, 'must be an array of symbols or a comma-separated string');
  if (items.length === 0) throw new InvalidInput(field, 'must not be empty');
  return dedupe(items.map((item, i) => (typeof item === 'string' ? parseSymbol(item, `${field}[${i}]`) : symbolFromObject(item, `${field}[${i}]`))));
}

/** `{symbol, currency?, primaryExchange?, secType?}`; `symbol` may itself use the list syntax. */
export function symbolFromObject(value: unknown, field = ''): SymbolSpec {
  const at = (key: string) => (field ? `${field}.${key}` : key);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInput(field || 'body', 'must be a symbol string or an object with "symbol"');
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['symbol', 'currency', 'primaryExchange', 'secType'].includes(key))
      throw new InvalidInput(at(key), 'unknown field (expected symbol, currency, primaryExchange, secType)');
  }
  if (typeof o.symbol !== 'string') throw new InvalidInput(at('symbol'), o.symbol === undefined ? 'is required' : 'must be a string');
  const base = parseSymbol(o.symbol, at('symbol'));
  const extra: Record<'currency' | 'primaryExchange' | 'secType', string | undefined> = { currency: undefined, primaryExchange: undefined, secType: undefined };
  for (const key of ['currency', 'primaryExchange', 'secType'] as const) {
    const v = o[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new InvalidInput(at(key), 'must be a string');
    extra[key] = v.trim().toUpperCase();
  }
  const merged = { ...base };
  if (extra.currency !== undefined) {
    if (!CURRENCY.test(extra.currency)) throw new InvalidInput(at('currency'), `"${extra.currency}" is not a 3-letter ISO code`);
    if (base.currency && base.currency !== extra.currency) throw new InvalidInput(at('currency'), `conflicts with the currency in symbol "${base.label}"`);
    merged.currency = extra.currency;
  }
  if (extra.primaryExchange !== undefined) {
    if (!EXCHANGE.test(extra.primaryExchange)) throw new InvalidInput(at('primaryExchange'), `"${extra.primaryExchange}" is not an exchange code`);
    if (base.primaryExchange && base.primaryExchange !== extra.primaryExchange)
      throw new InvalidInput(at('primaryExchange'), `conflicts with the exchange in symbol "${base.label}"`);
    merged.primaryExchange = extra.primaryExchange;
  }
  if (extra.secType !== undefined) {
    if (!/^[A-Z]{2,5}$/.test(extra.secType)) throw new InvalidInput(at('secType'), `"${extra.secType}" is not a security type (e.g. STK)`);
    merged.secType = extra.secType;
  }
  merged.label = formatSymbol(merged) + (merged.secType && merged.secType !== 'STK' ? `/${merged.secType}` : '');
  return merged;
}

export function formatSymbol(spec: { symbol: string; currency?: string | undefined; primaryExchange?: string | undefined }): string {
  return `${spec.symbol}${spec.currency ? `:${spec.currency}` : ''}${spec.primaryExchange ? `@${spec.primaryExchange}` : ''}`;
}

function dedupe(specs: SymbolSpec[]): SymbolSpec[] {
  const seen = new Map<string, SymbolSpec>();
  for (const s of specs) if (!seen.has(s.label)) seen.set(s.label, s);
  return [...seen.values()];
}

/** IB's legal bar sizes (TWS rejects the rest with error 321). */
export const BAR_SIZES: readonly string[] = LEGAL_BAR_SIZES.map((b) => b.text);
export { WHAT_TO_SHOW };

/**
 * Normalized history parameters, or InvalidInput naming the field (`fields` maps names to CLI
 * flags). Refused up front, as the gateway would refuse them: a bar size or duration IB does not
 * know, a duration too long for its unit or too many bars under a minute
 * (docs/wire-facts/history.md#what-a-gateway-refuses; IB's step-size table is a guide and refuses
 * nothing), a whatToShow that gives no bars
 * or is not served for the contracts' `secTypes` (default STK; docs/wire-facts/history.md#whattoshow-values).
 * Also refused, as the collector's own limits: more than 68 Y (IB's longest listed duration) and a
 * window needing more than MAX_REQUESTS_PER_WINDOW requests (common/ib/durations.ts).
 */
export function validateHistorySpec(
  spec: { duration: string; barSize: string; whatToShow?: string | undefined },
  fields: { duration?: string; barSize?: string; whatToShow?: string } = {},
  secTypes: readonly string[] = ['STK'],
): { duration: string; barSize: string; whatToShow: string } {
  const parsed = parseDuration(String(spec.duration).toUpperCase());
  if (parsed === undefined) throw new InvalidInput(fields.duration ?? 'duration', notADuration(String(spec.duration)));
  // What the gateway would refuse is refused here, with the fix (docs/wire-facts/history.md#what-a-gateway-refuses).
  // A window in seconds is exempt: the collector splits it into requests that each fit IB's limits
  // (splitWindow), so only D/W/M windows, which are sent as asked, can earn the refusal.
  const splitBySeconds = parsed.unit === 'S';
  const tooLong = splitBySeconds ? undefined : durationUnitRefusal(parsed);
  if (tooLong) throw new InvalidInput(fields.duration ?? 'duration', `"${spec.duration}": ${tooLong.replace(/\.$/, '')} (IB refuses it with error 321)`);
  const bar = findBarSize(String(spec.barSize).trim().toLowerCase()) ?? findBarSize(String(spec.barSize).trim());
  if (bar === undefined) throw new InvalidInput(fields.barSize ?? 'barSize', `"${spec.barSize}" is not a bar size; legal ones are ${BAR_SIZES.join(', ')}`);
  if (!splitBySeconds && tooManySmallBars(parsed, bar.seconds))
    throw new InvalidInput(
      fields.duration ?? 'duration',
      `"${parsed.text}" of "${bar.text}" bars is more than the ${MAX_SMALL_BARS} bars under a minute IB serves per request (it answers 162 "invalid step"); ask for a shorter duration or a larger bar size`,
    );
  // A window the collector would take hours to ask for, or that reaches before any data IB serves,
  // is refused here rather than split into millions of requests (docs/wire-facts/history.md#longest-request-per-unit).
  if (parsed.unit === 'Y' && parsed.n > MAX_UNITS.Y)
    throw new InvalidInput(
      fields.duration ?? 'duration',
      `"${parsed.text}" reaches back further than the ${MAX_UNITS.Y} Y IB lists as its longest duration; ask for at most "${MAX_UNITS.Y} Y"`,
    );
  const requests = requestsForWindow(parsed, bar.seconds);
  if (requests > MAX_REQUESTS_PER_WINDOW)
    throw new InvalidInput(
      fields.duration ?? 'duration',
      `"${parsed.text}" of "${bar.text}" bars needs about ${requests} requests, more than the collector's cap of ${MAX_REQUESTS_PER_WINDOW} per series (at IB's 60 requests per 10 minutes, ${MAX_REQUESTS_PER_WINDOW} take ${MAX_REQUESTS_PER_WINDOW / 6} minutes); ask for a larger bar size or a shorter duration`,
    );
  const whatToShow = findWhatToShow(String(spec.whatToShow ?? 'TRADES'));
  if (whatToShow === undefined)
    throw new InvalidInput(fields.whatToShow ?? 'whatToShow', `"${spec.whatToShow}" is not a whatToShow; use one of ${WHAT_TO_SHOW.join(', ')}`);
  for (const secType of new Set(secTypes.map((t) => t.toUpperCase()))) {
    const why = whatToShowRefusal(whatToShow, secType);
    if (why) throw new InvalidInput(fields.whatToShow ?? 'whatToShow', why);
  }
  return { duration: parsed.text, barSize: bar.text, whatToShow };
}
