/**
 * Valid client requests, for the robustness tests and the benchmark: the messages a real client
 * sends after login, built with the project's own codec so their layout is exactly the declared one.
 */
import { encodeClientMessage, SIM_MAX_VERSION, type ClientMessageOf } from '../protocol/index.ts';

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
