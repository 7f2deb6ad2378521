/**
 * HistoryCollector: paced (no 162 even when the gateway paces every bar size), idempotent and
 * resumable (a second run right after sends nothing; a later run fetches only since the last bar),
 * and it survives a pacing violation it did not cause. Virtual time: a 10-minute pacing window
 * passes in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { barSizeSeconds } from '../common/ib/bar-sizes.ts';
import type { GatewayConnection, ContractInfo, ContractSpec, RawBar } from './gateway-client.ts';
import type { HistoryOutcome } from './history-collector.ts';
import { PacingScheduler } from './pacing/index.ts';
import { PacingViolation } from './errors.ts';
import { HistoryCollector } from './history-collector.ts';
import {
  autoCleanup,
  AAPL,
  AMD,
  MSFT,
  TSLA,
  drive,
  errorsSent,
  historyOn,
  leasedSession,
  memoryStore,
  qualifierOn,
  received,
  virtualEnv,
  type SessionKit,
  type VirtualEnv,
} from './testing/env.ts';
import { normalizeBarTime, type SqliteStore } from './store/index.ts';

const { later } = autoCleanup();

/** The regular-hours TRADES series of a contract, as the collector keys it. */
const seriesOf = (c: ContractInfo, barSize: string, whatToShow = 'TRADES', useRTH = true) => ({
  conId: c.conId,
  exchange: c.exchange,
  barSize,
  whatToShow,
  useRTH,
});

/** The gateway applies IB's pacing rules to every bar size, as a strict gateway might. */
const STRICT_PACING = { history: { pacing: { maxBarSeconds: null } } } as const;

function setup(opts: Parameters<typeof virtualEnv>[0] = {}): { env: VirtualEnv; kit: SessionKit; store: SqliteStore } {
  const env = virtualEnv(opts);
  const kit = leasedSession(env.connector, env.clock);
  const store = memoryStore();
  later(
    () => kit.session.close(),
    () => store.close(),
  );
  return { env, kit, store };
}

async function qualifyAll(env: VirtualEnv, kit: SessionKit, specs: ContractSpec[]): Promise<ContractInfo[]> {
  const q = qualifierOn(kit, env.clock);
  const results = await drive(env.clock, Promise.all(specs.map((s) => q.qualify(s))));
  return results.map((r) => {
    if (r.kind !== 'qualified') throw new Error(`expected a qualified contract, got ${r.kind}`);
    return r.contract;
  });
}

/** A fresh connection of its own, for asking the gateway directly what a series holds. */
async function directConnection(env: VirtualEnv, clientId = 90): Promise<GatewayConnection> {
  const conn = await drive(env.clock, env.connector.connect({ clientId, timeoutMs: 10_000 }));
  later(() => conn.close());
  return conn;
}

const SPY = { symbol: 'SPY', currency: 'USD' };
const TTE_USD = { symbol: 'TTE', currency: 'USD' };
const WHATS = ['TRADES', 'MIDPOINT', 'BID', 'ASK', 'BID_ASK'];
const BARS = ['1 min', '2 mins'];

describe('HistoryCollector pacing', () => {
  it('a burst of 60 small-bar series (weight 72) against a gateway pacing every bar size: no error 162, every series stored', async () => {
    const { env, kit, store } = setup({ profile: 'ibkr-paper', overrides: STRICT_PACING });
    const contracts = await qualifyAll(env, kit, [AAPL, MSFT, TSLA, AMD, SPY, TTE_USD]);
    const history = historyOn(kit, env.clock, store);
    const t0 = env.clock.now();
    const jobs: Array<Promise<HistoryOutcome>> = [];
    for (const c of contracts) for (const w of WHATS) for (const b of BARS) jobs.push(history.collect(c, { duration: '1 D', barSize: b, whatToShow: w }));
    const outcomes = await drive(env.clock, Promise.all(jobs), { limitMs: 3_600_000, stepMs: 1_000 });

    expect(errorsSent(env.gateway, 162)).toEqual([]);
    expect(received(env.gateway, 'REQ_HISTORICAL_DATA')).toHaveLength(60);
    for (const o of outcomes) {
      expect(o.requests).toBe(1);
      expect(o.received).toBeGreaterThan(0);
      expect(o.added).toBe(o.received);
    }
    // 1 D of 1-min regular-hours bars is 390; 2-min bars 195.
    expect(outcomes.filter((_o, i) => BARS[i % 2] === '1 min').every((o) => o.received === 390)).toBe(true);
    // Weight 72 > 60 per 10 minutes: the scheduler had to hold the tail back past the window.
    const sent = received(env.gateway, 'REQ_HISTORICAL_DATA').map((e) => e.at);
    expect(sent.at(-1)! - sent[0]!).toBeGreaterThanOrEqual(600_000);
    expect(env.clock.now() - t0).toBeLessThan(700_000);
    // No 2-second window ever held more than 5 (weighted) requests for one contract and whatToShow.
    const perKey = new Map<string, number[]>();
    for (const e of received(env.gateway, 'REQ_HISTORICAL_DATA')) {
      const key = `${e.message.conId}|${e.message.whatToShow}`;
      perKey.set(key, [...(perKey.get(key) ?? []), e.at]);
    }
    for (const [key, times] of perKey) {
      const w = key.endsWith('BID_ASK') ? 2 : 1;
      for (const t of times) expect(times.filter((u) => u > t - 2_000 && u <= t).length * w, key).toBeLessThanOrEqual(5);
    }
  });

  it('control: the same burst through an unpaced collector does earn 162 pacing violations (the gateway really enforces them)', async () => {
    const { env, kit, store } = setup({ profile: 'ibkr-paper', overrides: STRICT_PACING });
    const contracts = await qualifyAll(env, kit, [AAPL, MSFT, TSLA, AMD, SPY, TTE_USD]);
    const unpaced = new PacingScheduler({ clock: env.clock, rules: { sameContractMax: 1e9, windowMax: 1e9, identicalWindowMs: 0, marginMs: 0 } });
    const history = new HistoryCollector({ session: kit.session, store, pacing: unpaced, clock: env.clock, maxAttempts: 1 });
    const jobs: Array<Promise<unknown>> = [];
    for (const c of contracts)
      for (const w of WHATS) for (const b of BARS) jobs.push(history.collect(c, { duration: '1 D', barSize: b, whatToShow: w }).catch((e: unknown) => e));
    const results = await drive(env.clock, Promise.all(jobs));
    const violations = results.filter((r) => r instanceof PacingViolation);
    expect(violations.length).toBeGreaterThan(0);
    expect(errorsSent(env.gateway, 162).filter((e) => /pacing violation/i.test(String(e.message.message)))).toHaveLength(violations.length);
  });

  it('a 162 it did not cause (another client on the login) pauses the scheduler 15 s and the request is sent again', async () => {
    const { env, kit, store } = setup({ profile: 'ibkr-paper' });
    const [aapl] = await qualifyAll(env, kit, [AAPL]);
    env.faults.apply({ kind: 'error', code: 162, text: 'Historical data request pacing violation', match: { message: 'REQ_HISTORICAL_DATA' }, times: 1 });
    const history = historyOn(kit, env.clock, store);
    const o = await drive(env.clock, history.collect(aapl!, { duration: '1 D', barSize: '1 hour' }));
    expect(o).toMatchObject({ requests: 2, received: 7, added: 7, stored: 7 });
    const sent = received(env.gateway, 'REQ_HISTORICAL_DATA').map((e) => e.at);
    expect(sent).toHaveLength(2);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(15_000);
  });
});

describe('HistoryCollector resumption', () => {
  // Wed 2025-11-12 15:00 New York: the regular session still has an hour to go.
  const AFTERNOON = Date.UTC(2025, 10, 12, 20, 0, 0);

  it('a second collect right after sends nothing; two hours later it fetches only since the last bar and the series is exact', async () => {
    const { env, kit, store } = setup({ profile: 'ibkr-paper', start: AFTERNOON });
    const [aapl] = await qualifyAll(env, kit, [AAPL]);
    const history = historyOn(kit, env.clock, store);
    const spec = { duration: '1 D', barSize: '5 mins' };

    const first = await drive(env.clock, history.collect(aapl!, spec));
    expect(first.skipped).toBe(false);
    // 09:30 … 14:55: the window ends at the last whole second, 15:00:00, so the bar that began a
    // few model milliseconds ago is left for the next collection.
    expect(first.received).toBe(66);
    expect(received(env.gateway, 'REQ_HISTORICAL_DATA')).toHaveLength(1);

    const again = await drive(env.clock, history.collect(aapl!, spec));
    expect(again).toMatchObject({ skipped: true, requests: 0, received: 0, added: 0, stored: 66 });
    expect(received(env.gateway, 'REQ_HISTORICAL_DATA')).toHaveLength(1);

    await env.clock.advance(2 * 3_600_000); // 17:00 New York: the session closed at 16:00
    const later = await drive(env.clock, history.collect(aapl!, spec));
    const reqs = received(env.gateway, 'REQ_HISTORICAL_DATA');
    expect(reqs).toHaveLength(2);
    const duration = String(reqs[1]!.message.duration);
    expect(duration).toMatch(/^\d+ S$/);
    const seconds = Number(duration.split(' ')[0]);
    // From where the held window ended (15:00) to now: about 2 h, not a day.
    expect(seconds).toBeGreaterThanOrEqual(2 * 3600);
    expect(seconds).toBeLessThan(2 * 3600 + 60);
    // 15:00 … 15:55, all new.
    expect(later).toMatchObject({ skipped: false, requests: 1, received: 12, added: 12, stored: 78 });
    expect(later.coverage).toMatchObject({ gaps: [], noData: [], formingFrom: null });

    // Exactly what a fresh full request returns now, value for value.
    const conn = await directConnection(env);
    const fresh = await drive(
      env.clock,
      conn
        .historicalData({ contract: aapl!, endDateTime: '', duration: '1 D', barSize: '5 mins', whatToShow: 'TRADES', useRTH: true })
        .result.then((r) => r.bars),
    );
    const stored = store.getBars(seriesOf(aapl!, '5 mins'));
    expect(stored.map((b) => [b.time, b.open, b.high, b.low, b.close, b.volume])).toEqual(
      fresh.map((b) => [Number(b.time), b.open, b.high, b.low, b.close, b.volume]),
    );
  });

  /**
   * Every bar a fresh request for the whole series returns is in the store, value for value (bars
   * that were still forming when the collector last fetched, at `fetchedAt`, excepted).
   */
  async function expectStoredCovers(
    env: VirtualEnv,
    store: SqliteStore,
    contract: ContractInfo,
    spec: { duration: string; barSize: string },
    fetchedAt: number,
  ): Promise<number> {
    const { duration, barSize } = spec;
    const conn = await directConnection(env);
    const complete = (b: RawBar) => (normalizeBarTime(b.time) + barSizeSeconds(barSize)) * 1000 <= fetchedAt;
    const fresh = (
      await drive(env.clock, conn.historicalData({ contract, endDateTime: '', duration, barSize, whatToShow: 'TRADES', useRTH: true }).result)
    ).bars.filter(complete);
    const stored = new Map(store.getBars(seriesOf(contract, barSize)).map((b) => [b.time, [b.open, b.high, b.low, b.close, b.volume]]));
    const missing = fresh.filter((b) => !stored.has(normalizeBarTime(b.time))).map((b) => b.time);
    expect(missing, 'bars served now but not stored').toEqual([]);
    for (const b of fresh) expect(stored.get(normalizeBarTime(b.time)), b.time).toEqual([b.open, b.high, b.low, b.close, b.volume]);
    return fresh.length;
  }

  it('across a trading day in between it asks for the whole window again: Monday 15:00, then Wednesday 10:00, nothing of Monday lost', async () => {
    const MONDAY_1500 = Date.UTC(2025, 10, 10, 20, 0, 0);
    const { env, kit, store } = setup({ profile: 'ibkr-paper', start: MONDAY_1500 });
    const [aapl] = await qualifyAll(env, kit, [AAPL]);
    const history = historyOn(kit, env.clock, store);
    const spec = { duration: '5 D', barSize: '5 mins' };
    await drive(env.clock, history.collect(aapl!, spec));
    await env.clock.advance(Date.UTC(2025, 10, 12, 15, 0, 0) - env.clock.now()); // Wednesday 10:00 New York
    await drive(env.clock, history.collect(aapl!, spec));
    const fetchedAt = env.clock.now();
    const reqs = received(env.gateway, 'REQ_HISTORICAL_DATA');
    // Where 5 trading days before Wednesday 10:00 begin only the gateway's calendar knows, and the
    // store holds nothing that certainly contains that beginning: the window is asked for whole,
    // in one request, as a fresh database would ask.
    expect(reqs.map((e) => e.message.duration)).toEqual(['5 D', '5 D']);
    expect(await expectStoredCovers(env, store, aapl!, spec, fetchedAt)).toBeGreaterThan(4 * 78);
  });

  it('a month of daily bars, collected again five days later, catches up in one request and the month is complete', async () => {
    const FRIDAY_EVENING = Date.UTC(2025, 10, 14, 22, 0, 0);
    const { env, kit, store } = setup({ profile: 'ibkr-paper', start: FRIDAY_EVENING });
    const [msft] = await qualifyAll(env, kit, [MSFT]);
    const history = historyOn(kit, env.clock, store);
    const spec = { duration: '1 M', barSize: '1 day' };
    await drive(env.clock, history.collect(msft!, spec));
    await env.clock.advance(5 * 86_400_000); // Wednesday evening
    await drive(env.clock, history.collect(msft!, spec));
    const fetchedAt = env.clock.now();
    const durations = received(env.gateway, 'REQ_HISTORICAL_DATA').map((e) => String(e.message.duration));
    // The missing days (from the bar that was forming on Friday to now) in one week, which reaches
    // back into days already held rather than six requests of 86400 S.
    expect(durations).toEqual(['1 M', '1 W']);
    expect(await expectStoredCovers(env, store, msft!, spec, fetchedAt)).toBeGreaterThanOrEqual(20);
  });

  it('a new collector on the same store resumes too (the ledger is in SQLite, not in memory)', async () => {
    const { env, kit, store } = setup({ profile: 'ibkr-paper', start: AFTERNOON });
    const [msft] = await qualifyAll(env, kit, [MSFT]);
    await drive(env.clock, historyOn(kit, env.clock, store).collect(msft!, { duration: '1 D', barSize: '1 hour' }));
    const second = await drive(env.clock, historyOn(kit, env.clock, store).collect(msft!, { duration: '1 D', barSize: '1 hour' }));
    expect(second).toMatchObject({ skipped: true, requests: 0 });
    expect(received(env.gateway, 'REQ_HISTORICAL_DATA')).toHaveLength(1);
  });
});
