/**
 * The paper account's books: cash, positions with their average cost, realized P&L and
 * commissions, changed only by executions. Invariants (checked by the property test):
 * position = Σ signed fills; cash = start − Σ signed(price × shares) − Σ commissions.
 *
 * Average cost includes commissions, as IB reports it (a buy's cost per share is price +
 * commission / shares; a short sale's is price − commission / shares); realized P&L of a closing
 * fill is (price − avgCost) × closed shares × direction, less the fill's commission share —
 * docs/wire-facts/accounts.md#positions-and-pnl.
 */
import type { Execution } from './order-types.ts';
import type { TradableInstrument } from './venue.ts';

export interface Position {
  instrument: TradableInstrument;
  /** Signed shares: negative when short. */
  position: number;
  /** Per share, in the instrument's currency, commissions included. */
  avgCost: number;
  realizedPnl: number;
}

export interface StartingPosition {
  instrument: TradableInstrument;
  position: number;
  avgCost: number;
}

export interface LedgerStart {
  account: string;
  /** Base currency of the account (cash and values are in it). */
  currency: string;
  cash: number;
  positions: readonly StartingPosition[];
}

export class Ledger {
  readonly account: string;
  readonly currency: string;
  readonly startingCash: number;
  cash: number;
  commissions = 0;
  realizedPnl = 0;
  readonly positions = new Map<number, Position>();

  constructor(start: LedgerStart) {
    this.account = start.account;
    this.currency = start.currency;
    this.startingCash = start.cash;
    this.cash = start.cash;
    for (const p of start.positions) this.positions.set(p.instrument.conId, { ...p, realizedPnl: 0 });
  }

  /** Book one execution; returns the realized P&L it produced (undefined when it only opened). */
  apply(e: Execution): number | undefined {
    const signed = e.side === 'BOT' ? e.shares : -e.shares;
    this.cash -= signed * e.price + e.commission;
    this.commissions += e.commission;
    const p = this.positions.get(e.instrument.conId) ?? { instrument: e.instrument, position: 0, avgCost: 0, realizedPnl: 0 };
    const perShareCommission = e.commission / e.shares;
    let realized: number | undefined;
    let opening = e.shares;
    if (p.position !== 0 && Math.sign(p.position) !== Math.sign(signed)) {
      const closed = Math.min(e.shares, Math.abs(p.position));
      realized = (e.price - p.avgCost) * closed * Math.sign(p.position) - perShareCommission * closed;
      p.position += Math.sign(signed) * closed;
      p.realizedPnl += realized;
      this.realizedPnl += realized;
      opening -= closed;
      if (p.position === 0) p.avgCost = 0;
    }
    if (opening > 0) {
      const costPerShare = e.price + Math.sign(signed) * perShareCommission;
      const held = Math.abs(p.position);
      p.avgCost = (p.avgCost * held + costPerShare * opening) / (held + opening);
      p.position += Math.sign(signed) * opening;
    }
    this.positions.set(e.instrument.conId, p);
    return realized;
  }
}
