/**
 * What a small application does with the real @stoqey/ib against a gateway on a port: connect,
 * qualify AAPL, ask for one day of hourly bars with a fixed end (so the answer does not depend on
 * the day the test runs), disconnect. Used to record fixtures and to check replays.
 */
import { BarSizeSetting, EventName, IBApi, SecType, WhatToShow, type Contract, type ContractDetails } from '@stoqey/ib';
import { AAPL } from '../../common/testing/fixtures.ts';

export interface SessionResult {
  accounts: string[];
  conId: number;
  longName: string;
  bars: Array<{ time: string; close: number }>;
  /** Errors the session saw (code and request id), other than connection notices. */
  errors: Array<{ code: number; reqId: number }>;
}

/** A fixed end date inside the bundled history (a Monday's close in New York). */
export const HISTORY_END = '20251110 16:00:00 US/Eastern';

/** Run the session; `reqIdBase` sets the request ids it uses (replay must remap them). */
export async function stoqeySession(port: number, clientId: number, reqIdBase = 1, timeoutMs = 10_000): Promise<SessionResult> {
  const api = new IBApi({ host: '127.0.0.1', port });
  const errors: SessionResult['errors'] = [];
  let timer: NodeJS.Timeout | undefined;
  const expire = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stoqey session on port ${port} took over ${timeoutMs} ms`)), timeoutMs);
  });
  const waitFor = <T>(start: (done: (v: T) => void, fail: (e: Error) => void) => void) => Promise.race([new Promise<T>(start), expire]);
  api.on(EventName.error, (_err: Error, code: number, reqId: number) => errors.push({ code, reqId }));
  try {
    const accounts = waitFor<string>((done) => api.once(EventName.managedAccounts, done));
    const ready = waitFor<number>((done) => api.once(EventName.nextValidId, done));
    api.connect(clientId);
    await ready;

    const qualifyId = reqIdBase;
    const query: Contract = { symbol: AAPL.symbol, secType: SecType.STK, exchange: 'SMART', currency: AAPL.currency };
    const details = await waitFor<ContractDetails[]>((done, fail) => {
      const found: ContractDetails[] = [];
      api.on(EventName.contractDetails, (id: number, d: ContractDetails) => id === qualifyId && found.push(d));
      api.on(EventName.contractDetailsEnd, (id: number) => id === qualifyId && done(found));
      api.on(EventName.error, (_e: Error, code: number, id: number) => id === qualifyId && fail(new Error(`qualify failed with ${code}`)));
      api.reqContractDetails(qualifyId, query);
    });
    const contract = details[0]!.contract;

    const historyId = reqIdBase + 1;
    const bars = await waitFor<SessionResult['bars']>((done, fail) => {
      const got: SessionResult['bars'] = [];
      api.on(EventName.historicalData, (id: number, time: string, _o: number, _h: number, _l: number, close: number) => {
        if (id !== historyId) return;
        if (time.startsWith('finished')) done(got);
        else got.push({ time, close });
      });
      api.on(EventName.error, (_e: Error, code: number, id: number) => id === historyId && fail(new Error(`history failed with ${code}`)));
      api.reqHistoricalData(historyId, contract, HISTORY_END, '1 D', BarSizeSetting.HOURS_ONE, WhatToShow.TRADES, 1, 1, false);
    });
    return {
      accounts: (await accounts).split(',').filter((a) => a !== ''),
      conId: contract.conId!,
      longName: details[0]!.longName ?? '',
      bars,
      errors,
    };
  } finally {
    clearTimeout(timer);
    api.disconnect();
  }
}
