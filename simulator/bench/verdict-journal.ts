/**
 * A synthetic gateway journal for the verdict benchmark: the frames and notes a busy gateway would
 * record (simulator/model/journal.ts shapes), generated lazily and deterministically from a seed,
 * so a journal of any length costs the same memory to produce.
 *
 * A discrete-event run in model time: clients of three designs arrive from a dozen hosts, about
 * `liveSessions` of them connected at any time —
 *  - `pooled`: a long session with its own client id; qualifies, fetches history, streams quotes,
 *    places orders (some cancelled, a few left open);
 *  - `worker`: a short session with a random id in 4–999 (so some get 326), a few requests, and now
 *    and then an unclean exit (its id stays held) with a qualification still queued;
 *  - `ui-page`: the incident's page on client id 1 with a timeout wrapper that re-sends a
 *    qualification after 3 s, and cancels history it stopped waiting for.
 * Contract details go through one serialized sec-def queue (SECDEF_SERVED notes with the queue wait);
 * about 2% of history requests get the pacing 162, and a client sending bursts gets the rate warning.
 * Request messages come from the codec's own builders (simulator/protocol/requests.ts).
 */
import { AAPL, MSFT, TSLA, TTE, WLN } from '../../common/instruments.ts';
import { FARM_NOTICES, IbError, NO_ID } from '../../common/ib/errors.ts';
import { Rng } from '../../common/rng.ts';
import type { JournalEntry } from '../model/journal.ts';
import { EventQueue } from './event-queue.ts';
import { cancelOrderRequest, contractRequest, historyRequest, mktDataRequest, placeOrderRequest } from '../protocol/requests.ts';

/** One thing to record: a frame (`journal.record`) or a note (`journal.note`). */
export interface Recorded {
  note: boolean;
  at: number;
  sessionId: number;
  clientId: number | null;
  dir: 'in' | 'out';
  message: JournalEntry['message'];
}

export interface SyntheticJournalOptions {
  seed: number;
  /** Clients connected at once, roughly (default 40). */
  liveSessions?: number;
  /** Model time of the first entry, epoch ms. */
  t0?: number;
}

type Design = 'pooled' | 'worker' | 'ui-page';

interface Session {
  id: number;
  clientId: number | null;
  design: Design;
  open: boolean;
  nextReqId: number;
  nextOrderId: number;
  actionsLeft: number;
}

const SYMBOLS = [TTE, WLN, AAPL, TSLA, MSFT];
const HOSTS = 12;
/** The service time of one contract-details request, model ms (median; SBF stocks are slower, as in the incident). */
const SECDEF_SERVICE_MS = 60;
const SECDEF_SERVICE_EU_MS = 200;
/** The wrapper's re-sends before it gives up. */
const RESENDS = 2;
const bar = (t: number, p: number) => ({
  date: String(Math.floor(t / 1000)),
  open: p,
  high: p + 0.2,
  low: p - 0.2,
  close: p + 0.1,
  volume: 1000,
  wap: p,
  barCount: 12,
});

/**
 * The journal, one entry at a time, for as long as the caller reads (it never ends by itself).
 * The same seed and options give the same entries.
 */
export function* syntheticJournal(opts: SyntheticJournalOptions): Generator<Recorded, never, undefined> {
  const rng = new Rng(opts.seed);
  const live = opts.liveSessions ?? 40;
  const queue = new EventQueue();
  const out: Recorded[] = [];
  const held = new Map<number, number>(); // client id → held until (model ms; Infinity while connected)
  let now = opts.t0 ?? Date.UTC(2026, 10, 30, 14, 30);
  let order = 0;
  let sessions = 0;
  let secdefFreeAt = now;

  const at = (ms: number, run: () => void) => queue.push({ at: now + ms, order: order++, run });
  const frame = (s: Session, dir: 'in' | 'out', message: JournalEntry['message']) =>
    out.push({ note: false, at: now, sessionId: s.id, clientId: s.clientId, dir, message });
  const note = (s: Session, dir: 'in' | 'out', message: JournalEntry['message']) =>
    out.push({ note: true, at: now, sessionId: s.id, clientId: s.clientId, dir, message });
  const error = (s: Session, id: number, body: { code: number; message: string }) =>
    frame(s, 'out', { type: 'ERR_MSG', id, code: body.code, message: body.message, advancedOrderRejectJson: '', errorTime: 0 });

  function arrive(): void {
    const roll = rng.next();
    const design: Design = roll < 0.25 ? 'pooled' : roll < 0.9 ? 'worker' : 'ui-page';
    const host = design === 'ui-page' ? 1 : rng.int(2, HOSTS);
    const s: Session = { id: ++sessions, clientId: null, design, open: true, nextReqId: 1, nextOrderId: 1, actionsLeft: 0 };
    s.actionsLeft = design === 'pooled' ? rng.int(60, 140) : design === 'worker' ? rng.int(3, 8) : rng.int(4, 10);
    note(s, 'in', { type: 'CONNECTED', remote: `10.0.0.${host}:${40_000 + (s.id % 20_000)}` });
    frame(s, 'out', { type: 'SERVER_VERSION', serverVersion: 178, connectionTime: '20261130 15:30:00 MET' });
    at(rng.int(1, 5), () => login(s));
    // Arrivals keep about `live` sessions connected: sessions last ~46 model s on average (a pooled
    // one ~150 s, a worker ~11 s), so ~0.9 arrive per second for 40.
    at(rng.lognormal(1_050, 0.5) * (40 / live), arrive);
  }

  function login(s: Session): void {
    const id = s.design === 'ui-page' ? 1 : s.design === 'pooled' ? 1000 + (s.id % 5000) : rng.int(4, 999);
    frame(s, 'in', { type: 'START_API', clientId: id, optionalCapabilities: '' });
    s.clientId = id;
    if ((held.get(id) ?? 0) > now) {
      error(s, NO_ID, IbError.clientIdInUse());
      s.open = false;
      note(s, 'out', { type: 'DISCONNECTED', reason: 'client id in use', by: 'gateway' });
      return;
    }
    held.set(id, Number.POSITIVE_INFINITY);
    at(rng.lognormal(300, 0.3), () => {
      if (!s.open) return;
      frame(s, 'out', { type: 'MANAGED_ACCTS', accounts: 'DU0118471' });
      frame(s, 'out', { type: 'NEXT_VALID_ID', orderId: 1 });
      for (const n of FARM_NOTICES) error(s, NO_ID, n);
      at(rng.int(5, 50), () => act(s));
    });
  }

  function act(s: Session): void {
    if (!s.open) return;
    if (s.actionsLeft-- <= 0) {
      leave(s);
      return;
    }
    const roll = rng.next();
    if (roll < 0.12) qualify(s, rng.pick(SYMBOLS));
    else if (roll < 0.45) history(s);
    else if (roll < 0.8 && s.design === 'pooled') quotes(s);
    else if (roll < 0.9 && s.design === 'pooled') placeOrder(s);
    else if (roll < 0.93 && s.design === 'pooled') burst(s);
    else {
      frame(s, 'in', { type: 'REQ_CURRENT_TIME' });
      frame(s, 'out', { type: 'CURRENT_TIME', time: Math.floor(now / 1000) });
    }
    at(rng.lognormal(s.design === 'pooled' ? 1_500 : 2_000, 0.6), () => act(s));
  }

  function qualify(s: Session, c: { symbol: string; currency: string }, attempt = 0): void {
    const reqId = s.nextReqId++;
    frame(s, 'in', contractRequest(reqId, { ...c }));
    const start = Math.max(now, secdefFreeAt);
    const service = rng.lognormal(c.currency === 'EUR' ? SECDEF_SERVICE_EU_MS : SECDEF_SERVICE_MS, 0.8);
    const waitMs = start - now;
    secdefFreeAt = start + service;
    let answered = false;
    at(waitMs + service, () => {
      note(s, 'out', { type: 'SECDEF_SERVED', reqId, waitMs, serviceMs: service, answered: s.open });
      if (!s.open) return;
      answered = true;
      frame(s, 'out', { type: 'CONTRACT_DATA', reqId, symbol: c.symbol, secType: 'STK', exchange: 'SMART', currency: c.currency, conId: 900_000_000 + reqId });
      frame(s, 'out', { type: 'CONTRACT_DATA_END', reqId });
    });
    // The incident's wrapper: no answer after 3 s, ask again under a new reqId (twice at most).
    if (s.design === 'ui-page' && attempt < RESENDS)
      at(3_000, () => {
        if (s.open && !answered) qualify(s, c, attempt + 1);
      });
  }

  function history(s: Session): void {
    const reqId = s.nextReqId++;
    const c = rng.pick(SYMBOLS);
    frame(s, 'in', historyRequest(reqId, { ...c, endDateTime: '', duration: rng.pick(['1 D', '2 D', '1 W']), barSize: rng.pick(['5 mins', '1 hour']) }));
    const roll = rng.next();
    if (roll < 0.02) {
      at(rng.int(5, 40), () => s.open && error(s, reqId, IbError.pacingViolation()));
      return;
    }
    const answerIn = rng.lognormal(700, 0.5);
    let done = false;
    at(answerIn, () => {
      if (!s.open || done) return;
      done = true;
      const p = 50 + rng.int(0, 100);
      const bars = Array.from({ length: rng.int(8, 40) }, (_, i) => bar(now - (40 - i) * 300_000, p));
      frame(s, 'out', { type: 'HISTORICAL_DATA', reqId, startDate: '20261130 09:00:00 MET', endDate: '20261130 17:30:00 MET', bars });
    });
    // Pages give up on history and cancel; sometimes the data went out first (served for nobody).
    if (s.design === 'ui-page' || roll < 0.05)
      at(rng.lognormal(answerIn, 0.4), () => {
        if (!s.open) return;
        frame(s, 'in', { type: 'CANCEL_HISTORICAL_DATA', reqId });
        if (done) return;
        done = true;
        error(s, reqId, IbError.historicalCancelled(reqId));
      });
  }

  function quotes(s: Session): void {
    const reqId = s.nextReqId++;
    frame(s, 'in', mktDataRequest(reqId, { ...rng.pick(SYMBOLS) }));
    const ticks = rng.int(4, 20);
    for (let i = 1; i <= ticks; i++)
      at(i * 250, () => {
        if (!s.open) return;
        frame(s, 'out', { type: 'TICK_PRICE', reqId, tickType: 1 + (i % 2), price: 100 + i / 100, attribMask: 0 });
        frame(s, 'out', { type: 'TICK_SIZE', reqId, tickType: 0 + (i % 2) * 3, size: String(100 * i) });
      });
    at(ticks * 250 + 10, () => s.open && frame(s, 'in', { type: 'CANCEL_MKT_DATA', reqId }));
  }

  function placeOrder(s: Session): void {
    const orderId = s.nextOrderId++;
    const c = rng.pick(SYMBOLS);
    const status = (st: string, filled: number) =>
      frame(s, 'out', {
        type: 'ORDER_STATUS',
        orderId,
        status: st,
        filled,
        remaining: 100 - filled,
        avgFillPrice: filled ? 100 : 0,
        permId: orderId,
        parentId: 0,
        lastFillPrice: 0,
        clientId: s.clientId,
        whyHeld: '',
        mktCapPrice: 0,
      });
    const limit = rng.next() < 0.3;
    frame(s, 'in', placeOrderRequest(orderId, { ...c, ...(limit ? { orderType: 'LMT', lmtPrice: 1 } : {}) }));
    at(rng.int(2, 20), () => {
      frame(s, 'out', {
        type: 'OPEN_ORDER',
        orderId,
        symbol: c.symbol,
        action: 'BUY',
        totalQuantity: '100',
        orderType: limit ? 'LMT' : 'MKT',
        status: 'Submitted',
      });
      status('Submitted', 0);
      if (!limit) return at(rng.int(50, 400), () => status('Filled', 100));
      // Most limit orders far from the market are cancelled; the rest stay working.
      if (rng.next() < 0.8)
        at(rng.int(500, 3_000), () => {
          if (!s.open) return;
          frame(s, 'in', cancelOrderRequest(orderId));
          status('Cancelled', 0);
        });
    });
  }

  /** A burst of requests close to the message rate: the gateway warns (code 0), and now and then refuses (100). */
  function burst(s: Session): void {
    for (let i = 0; i < 45; i++) frame(s, 'in', { type: 'REQ_CURRENT_TIME' });
    error(s, NO_ID, IbError.rateApproaching(50, 45));
    // One burst in ten goes over the limit: every message past it is refused with 100.
    if (rng.next() >= 0.1) return;
    for (let i = 1; i <= 10; i++) {
      frame(s, 'in', { type: 'REQ_CURRENT_TIME' });
      if (i > 5) error(s, i - 5, IbError.rateExceeded(50, 45 + i, i - 5));
    }
  }

  function leave(s: Session): void {
    const unclean = s.design === 'worker' && rng.next() < 0.1;
    if (unclean) qualify(s, rng.pick(SYMBOLS)); // still queued when the connection drops
    s.open = false;
    const heldMs = unclean ? 30_000 : 0;
    if (s.clientId !== null) held.set(s.clientId, now + heldMs);
    note(s, 'in', { type: 'DISCONNECTED', reason: unclean ? 'connection reset' : 'client closed', by: 'client', clientIdHeldMs: heldMs });
  }

  at(0, arrive);
  for (;;) {
    while (out.length === 0) {
      const e = queue.pop();
      if (!e) throw new Error('synthetic journal: no more events (a bug)');
      now = Math.max(now, e.at);
      e.run();
    }
    for (const r of out.splice(0)) yield r;
  }
}
