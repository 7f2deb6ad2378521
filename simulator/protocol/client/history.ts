/**
 * Client messages for historical data: bars, head timestamp, histogram, historical ticks.
 * Layouts: official EClient.java (TWS API 10.34.02), cross-checked with ib_async 2.0.1 and
 * @stoqey/ib 1.6.10 — docs/wire-facts/history.md#req_historical_data-20,
 * docs/wire-facts/market-data.md#history-side-requests.
 */
import { bool, int, message, str, version } from '../schema.ts';
import { MIN_SERVER_VER_LINKING, MIN_SERVER_VER_SYNT_REALTIME_BARS } from '../server-versions.ts';
import { comboLegs, contractFields } from '../contract-fields.ts';

export const historyMessages = {
  REQ_HISTORICAL_DATA: message(20, 'REQ_HISTORICAL_DATA', [
    version(6, { before: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    str('endDateTime'),
    str('barSize'),
    str('duration'),
    int('useRTH'),
    str('whatToShow'),
    int('formatDate'),
    comboLegs,
    bool('keepUpToDate', { since: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
    str('chartOptions', { since: MIN_SERVER_VER_LINKING }),
  ]),
  CANCEL_HISTORICAL_DATA: message(25, 'CANCEL_HISTORICAL_DATA', [version(1), int('reqId')]),

  REQ_HEAD_TIMESTAMP: message(87, 'REQ_HEAD_TIMESTAMP', [
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    int('useRTH'),
    str('whatToShow'),
    int('formatDate'),
  ]),
  CANCEL_HEAD_TIMESTAMP: message(90, 'CANCEL_HEAD_TIMESTAMP', [int('reqId')]),

  /** timePeriod such as `3 days`. */
  REQ_HISTOGRAM_DATA: message(88, 'REQ_HISTOGRAM_DATA', [int('reqId'), ...contractFields, bool('includeExpired'), bool('useRTH'), str('timePeriod')]),
  CANCEL_HISTOGRAM_DATA: message(89, 'CANCEL_HISTOGRAM_DATA', [int('reqId')]),

  /** Either start or end is set; at most 1000 ticks; whatToShow TRADES, BID_ASK or MIDPOINT. */
  REQ_HISTORICAL_TICKS: message(96, 'REQ_HISTORICAL_TICKS', [
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    str('startDateTime'),
    str('endDateTime'),
    int('numberOfTicks'),
    str('whatToShow'),
    int('useRTH'),
    bool('ignoreSize'),
    str('miscOptions'),
  ]),
} as const;
