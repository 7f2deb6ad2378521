/**
 * Client requests with every field at the value a real client sends when it has nothing to say
 * (AAPL on SMART unless overridden): for the in-process adapter, the tests and the benchmarks.
 */
import { encodeClientMessage, SIM_MAX_VERSION, type ClientMessageOf } from './index.ts';

export type ContractRequest = ClientMessageOf<'REQ_CONTRACT_DATA'>;
export type HistoryRequest = ClientMessageOf<'REQ_HISTORICAL_DATA'>;

const contractBase = {
  conId: 0,
  symbol: 'AAPL',
  secType: 'STK',
  lastTradeDateOrContractMonth: '',
  strike: 0,
  right: '',
  multiplier: '',
  exchange: 'SMART',
  primaryExchange: '',
  currency: 'USD',
  localSymbol: '',
  tradingClass: '',
} as const;

/** AAPL's IB conId (the bundled universe uses the real one). */
export const AAPL_CONID = 265598;

export function contractRequest(reqId: number, over: Partial<ContractRequest> = {}): ContractRequest {
  return { type: 'REQ_CONTRACT_DATA', reqId, ...contractBase, includeExpired: false, secIdType: '', secId: '', issuerId: '', ...over };
}

export function historyRequest(reqId: number, over: Partial<HistoryRequest> = {}): HistoryRequest {
  return {
    type: 'REQ_HISTORICAL_DATA',
    reqId,
    ...contractBase,
    includeExpired: false,
    endDateTime: '',
    barSize: '1 hour',
    duration: '1 D',
    useRTH: 1,
    whatToShow: 'TRADES',
    formatDate: 1,
    comboLegs: [],
    keepUpToDate: false,
    chartOptions: '',
    ...over,
  };
}

export const encodeRequest = (msg: Parameters<typeof encodeClientMessage>[0]): Buffer => encodeClientMessage(msg, SIM_MAX_VERSION);
