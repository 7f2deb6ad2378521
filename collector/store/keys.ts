/** What a qualification was asked for; two queries with the same key get the same cached answer. */
export interface QualificationQuery {
  symbol: string;
  secType?: string;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
}

/**
 * Canonical cache key, e.g. "STK:TTE:SMART:SBF:EUR". Defaults mirror what a bare symbol query
 * means to the gateway (STK on SMART); empty parts stay empty rather than guessed.
 */
export function qualificationKey(q: QualificationQuery): string {
  const part = (v: string | undefined) => (v ?? '').trim().toUpperCase();
  return [part(q.secType) || 'STK', part(q.symbol), part(q.exchange) || 'SMART', part(q.primaryExchange), part(q.currency)].join(':');
}
