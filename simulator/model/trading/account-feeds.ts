/**
 * The account's subscriptions: reqAccountUpdates, reqAccountSummary, reqPositions(Multi),
 * reqAccountUpdatesMulti, reqPnL and reqPnLSingle — the first answer, and the updates every fill
 * pushes to the subscribed sessions; reqAccountUpdates also hears the values and portfolio lines
 * that changed on a 3-minute beat (periodic-push.ts). Values come from `orders/account-values.ts`; which tags and
 * when: docs/wire-facts/accounts.md#account-subscriptions.
 */
import type { Clock } from '../../../common/clock.ts';
import { formatZoned } from '../../../common/ib/time-zones.ts';
import { accountSnapshot, markPrice, type AccountSnapshot, type AccountValue, type PortfolioLine } from '../../orders/account-values.ts';
import type { Ledger, Position } from '../../orders/ledger.ts';
import type { PriceSource } from '../../orders/venue.ts';
import type { ServerMessage, ServerMessageOf } from '../../protocol/index.ts';
import type { Profile } from '../profile.ts';
import type { Session } from '../session.ts';
import { contract, contractHeadOf } from './order-messages.ts';
import { LastSent, PushBeat } from './periodic-push.ts';

export interface FeedHost {
  readonly clock: Clock;
  readonly profile: Profile;
  send(session: Session, msg: ServerMessage): void;
}

const SPELLED_REQT: Readonly<Record<string, string>> = { RegTEquity: 'ReqTEquity', RegTMargin: 'ReqTMargin' };

type Subscribers<T> = Map<Session, Map<number, T>>;

function add<T>(subs: Subscribers<T>, session: Session, reqId: number, value: T): void {
  let m = subs.get(session);
  if (!m) subs.set(session, (m = new Map()));
  m.set(reqId, value);
}

/** Live subscriptions, dropping those of closed sessions as it goes. */
function* live<T>(subs: Subscribers<T>): Iterable<[Session, number, T]> {
  for (const [s, m] of subs) {
    if (!s.isOpen) {
      subs.delete(s);
      continue;
    }
    for (const [reqId, v] of m) yield [s, reqId, v];
  }
}

/** The rows an account-summary tag list selects: IB's tags, and the `$LEDGER` groups per currency. */
export function selectSummary(snapshot: AccountSnapshot, tags: string, baseCurrency: string): AccountValue[] {
  const wanted = new Set(tags.split(',').map((t) => t.trim()));
  const rows: AccountValue[] = [];
  for (const v of snapshot.summary) {
    // The official clients' constants spell two tags ReqT…; answered under the name asked for
    // (docs/wire-facts/accounts.md#account-summary-tags).
    const alias = SPELLED_REQT[v.tag];
    if (wanted.has(v.tag)) rows.push(v);
    else if (alias && wanted.has(alias)) rows.push({ ...v, tag: alias });
  }
  const ledgerAll = wanted.has('$LEDGER:ALL');
  if (wanted.has('$LEDGER') || ledgerAll || wanted.has(`$LEDGER:${baseCurrency}`)) rows.push(...snapshot.ledger);
  if (ledgerAll) rows.push(...snapshot.ledger.map((v) => ({ ...v, currency: 'BASE' })));
  return rows;
}

export class AccountFeeds {
  /** reqAccountUpdates subscribers, with what each was last sent (the 3-minute beat sends only changes). */
  private readonly updates = new Map<Session, LastSent>();
  private readonly beat: PushBeat;
  private readonly summaries: Subscribers<string> = new Map();
  private readonly positionSubs = new Set<Session>();
  private readonly positionMulti: Subscribers<string> = new Map();
  private readonly updatesMulti: Subscribers<string> = new Map();
  private readonly pnlSubs: Subscribers<null> = new Map();
  private readonly pnlSingleSubs: Subscribers<number> = new Map();

  constructor(
    private readonly host: FeedHost,
    private readonly ledger: Ledger,
    private readonly prices: PriceSource,
  ) {
    this.beat = new PushBeat(
      host.clock,
      () => this.liveUpdates().length > 0,
      (at) => this.periodicPush(at),
    );
  }

  /** Stop the 3-minute beat (gateway reset or shutdown). */
  dispose(): void {
    this.beat.stop();
  }

  private snapshot(now: number): AccountSnapshot {
    return accountSnapshot(this.ledger, this.prices, now);
  }

  /** Initial margin, maintenance margin and equity with loan now (for what-if answers). */
  margins(now: number): { init: number; maint: number; equity: number } {
    const s = this.snapshot(now);
    const num = (tag: string) => Number(s.summary.find((v) => v.tag === tag)?.value ?? 0);
    return { init: num('InitMarginReq'), maint: num('MaintMarginReq'), equity: num('EquityWithLoanValue') };
  }

  // ---- reqAccountUpdates --------------------------------------------------------------------------

  /** Subscribe: every account value, one PORTFOLIO_VALUE per position, the time, the end. Unsubscribe stops updates. */
  accountUpdates(session: Session, subscribe: boolean): void {
    if (!subscribe) {
      this.updates.delete(session);
      return;
    }
    const sent = new LastSent();
    this.updates.set(session, sent);
    const now = this.host.clock.now();
    const snap = this.snapshot(now);
    this.sendValues(session, sent, snap, false);
    for (const line of snap.lines) this.sendLine(session, sent, line, false);
    this.host.send(session, this.updateTime(now));
    this.host.send(session, { type: 'ACCT_DOWNLOAD_END', account: this.ledger.account });
    this.beat.ensure();
  }

  /** Every account value (`onlyChanged`: those that changed since `sent`); returns how many went out. */
  private sendValues(session: Session, sent: LastSent, snap: AccountSnapshot, onlyChanged: boolean): number {
    const account = this.ledger.account;
    const rows = [...snap.summary, ...snap.ledger, ...snap.ledger.map((v) => ({ ...v, currency: 'BASE' }))];
    let n = 0;
    for (const v of rows) {
      if (!sent.changed(`${v.tag}|${v.currency}`, v.value) && onlyChanged) continue;
      this.host.send(session, { type: 'ACCT_VALUE', key: v.tag, value: v.value, currency: v.currency, accountName: account });
      n++;
    }
    return n;
  }

  /** One portfolio line (`onlyChanged`: only if it changed since `sent`); returns whether it went out. */
  private sendLine(session: Session, sent: LastSent, line: PortfolioLine, onlyChanged: boolean): boolean {
    const msg = this.portfolioValue(line);
    const { type: _type, ...fields } = msg;
    if (!sent.changed(`conId|${line.position.instrument.conId}`, JSON.stringify(fields)) && onlyChanged) return false;
    this.host.send(session, msg);
    return true;
  }

  /** The 3-minute beat: each subscriber gets the values and portfolio lines that changed, then the time. */
  private periodicPush(at: number): void {
    const snap = this.snapshot(at);
    for (const [s, sent] of this.liveUpdates()) {
      let n = this.sendValues(s, sent, snap, true);
      for (const line of snap.lines) if (this.sendLine(s, sent, line, true)) n++;
      if (n > 0) this.host.send(s, this.updateTime(at));
    }
  }

  /** Open subscribers of reqAccountUpdates (closed sessions are dropped). */
  private liveUpdates(): Array<[Session, LastSent]> {
    for (const s of this.updates.keys()) if (!s.isOpen) this.updates.delete(s);
    return [...this.updates];
  }

  private updateTime(now: number): ServerMessageOf<'ACCT_UPDATE_TIME'> {
    return { type: 'ACCT_UPDATE_TIME', time: formatZoned(now, this.host.profile.timeZone).slice(9, 14) };
  }

  private portfolioValue(line: PortfolioLine): ServerMessageOf<'PORTFOLIO_VALUE'> {
    const i = line.position.instrument;
    return {
      type: 'PORTFOLIO_VALUE',
      ...contractHeadOf(i),
      primaryExchange: i.primaryExchange,
      currency: i.currency,
      localSymbol: i.localSymbol,
      tradingClass: i.tradingClass,
      position: line.position.position,
      marketPrice: line.marketPrice,
      marketValue: line.marketValue,
      averageCost: line.position.avgCost,
      unrealizedPNL: line.unrealizedPnl,
      realizedPNL: line.position.realizedPnl,
      accountName: this.ledger.account,
    };
  }

  // ---- reqAccountSummary, reqAccountUpdatesMulti ----------------------------------------------------

  accountSummary(session: Session, reqId: number, tags: string): void {
    add(this.summaries, session, reqId, tags);
    this.sendSummary(session, reqId, tags, this.snapshot(this.host.clock.now()));
    this.host.send(session, { type: 'ACCOUNT_SUMMARY_END', reqId });
  }

  cancelSummary(session: Session, reqId: number): void {
    this.summaries.get(session)?.delete(reqId);
  }

  private sendSummary(session: Session, reqId: number, tags: string, snap: AccountSnapshot): void {
    for (const v of selectSummary(snap, tags, this.ledger.currency)) {
      this.host.send(session, { type: 'ACCOUNT_SUMMARY', reqId, account: this.ledger.account, tag: v.tag, value: v.value, currency: v.currency });
    }
  }

  accountUpdatesMulti(session: Session, reqId: number, modelCode: string): void {
    add(this.updatesMulti, session, reqId, modelCode);
    this.sendUpdatesMulti(session, reqId, modelCode, this.snapshot(this.host.clock.now()));
    this.host.send(session, { type: 'ACCOUNT_UPDATE_MULTI_END', reqId });
  }

  cancelUpdatesMulti(session: Session, reqId: number): void {
    this.updatesMulti.get(session)?.delete(reqId);
  }

  private sendUpdatesMulti(session: Session, reqId: number, modelCode: string, snap: AccountSnapshot): void {
    for (const v of [...snap.summary, ...snap.ledger]) {
      this.host.send(session, {
        type: 'ACCOUNT_UPDATE_MULTI',
        reqId,
        account: this.ledger.account,
        modelCode,
        key: v.tag,
        value: v.value,
        currency: v.currency,
      });
    }
  }

  // ---- positions ------------------------------------------------------------------------------------

  positions(session: Session): void {
    this.positionSubs.add(session);
    for (const p of this.ledger.positions.values()) this.host.send(session, this.position(p));
    this.host.send(session, { type: 'POSITION_END' });
  }

  cancelPositions(session: Session): void {
    this.positionSubs.delete(session);
  }

  positionsMulti(session: Session, reqId: number, modelCode: string): void {
    add(this.positionMulti, session, reqId, modelCode);
    for (const p of this.ledger.positions.values()) this.host.send(session, { ...this.position(p), type: 'POSITION_MULTI', reqId, modelCode });
    this.host.send(session, { type: 'POSITION_MULTI_END', reqId });
  }

  cancelPositionsMulti(session: Session, reqId: number): void {
    this.positionMulti.get(session)?.delete(reqId);
  }

  private position(p: Position): ServerMessageOf<'POSITION'> {
    const i = p.instrument;
    return {
      type: 'POSITION',
      account: this.ledger.account,
      ...contract(i, i.primaryExchange),
      position: p.position,
      avgCost: p.avgCost,
    };
  }

  // ---- P&L ------------------------------------------------------------------------------------------

  pnl(session: Session, reqId: number): void {
    add(this.pnlSubs, session, reqId, null);
    this.host.send(session, this.pnlMessage(reqId, this.snapshot(this.host.clock.now())));
  }

  pnlSingle(session: Session, reqId: number, conId: number): void {
    add(this.pnlSingleSubs, session, reqId, conId);
    this.host.send(session, this.pnlSingleMessage(reqId, conId, this.host.clock.now()));
  }

  cancelPnl(session: Session, reqId: number): void {
    this.pnlSubs.get(session)?.delete(reqId);
  }

  cancelPnlSingle(session: Session, reqId: number): void {
    this.pnlSingleSubs.get(session)?.delete(reqId);
  }

  /** Daily P&L is reported as unrealized + realized since the run began (the simulator keeps no prior day). */
  private pnlMessage(reqId: number, snap: AccountSnapshot): ServerMessageOf<'PNL'> {
    return { type: 'PNL', reqId, dailyPnL: snap.unrealizedPnl + snap.realizedPnl, unrealizedPnL: snap.unrealizedPnl, realizedPnL: snap.realizedPnl };
  }

  private pnlSingleMessage(reqId: number, conId: number, now: number): ServerMessageOf<'PNL_SINGLE'> {
    const p = this.ledger.positions.get(conId);
    if (!p) return { type: 'PNL_SINGLE', reqId, position: 0, dailyPnL: undefined, unrealizedPnL: undefined, realizedPnL: undefined, value: undefined };
    const value = p.position * markPrice(this.prices, conId, now);
    const unrealized = value - p.position * p.avgCost;
    return {
      type: 'PNL_SINGLE',
      reqId,
      position: p.position,
      dailyPnL: unrealized + p.realizedPnl,
      unrealizedPnL: unrealized,
      realizedPnL: p.realizedPnl,
      value,
    };
  }

  // ---- after a fill ----------------------------------------------------------------------------------

  /** Push what a fill of `conId` changed to every subscriber. */
  afterFill(conId: number, now: number): void {
    const snap = this.snapshot(now);
    const p = this.ledger.positions.get(conId);
    const line = snap.lines.find((l) => l.position.instrument.conId === conId);
    for (const [s, sent] of this.liveUpdates()) {
      this.sendValues(s, sent, snap, false);
      if (line) this.sendLine(s, sent, line, false);
      this.host.send(s, this.updateTime(now));
    }
    for (const s of [...this.positionSubs]) {
      if (!s.isOpen) this.positionSubs.delete(s);
      else if (p) this.host.send(s, this.position(p));
    }
    if (p) for (const [s, reqId, modelCode] of live(this.positionMulti)) this.host.send(s, { ...this.position(p), type: 'POSITION_MULTI', reqId, modelCode });
    for (const [s, reqId, tags] of live(this.summaries)) this.sendSummary(s, reqId, tags, snap);
    for (const [s, reqId, modelCode] of live(this.updatesMulti)) this.sendUpdatesMulti(s, reqId, modelCode, snap);
    for (const [s, reqId] of live(this.pnlSubs)) this.host.send(s, this.pnlMessage(reqId, snap));
    for (const [s, reqId, id] of live(this.pnlSingleSubs)) if (id === conId) this.host.send(s, this.pnlSingleMessage(reqId, id, now));
  }
}
