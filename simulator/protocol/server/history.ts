/**
 * Gateway messages answering history-side requests: bars, keepUpToDate updates, the schedule,
 * head timestamp, histogram, historical ticks. Layouts: official EDecoder.java (TWS API 10.34.02),
 * cross-checked with @stoqey/ib 1.6.10 and ib_async 2.0.1 —
 * docs/wire-facts/history.md#historical_data-17, docs/wire-facts/market-data.md#history-side-replies.
 */
import { bool, double, filler, int, list, message, str, version } from '../schema.ts';
import { MIN_SERVER_VER_HISTORICAL_DATA_END, MIN_SERVER_VER_SYNT_REALTIME_BARS } from '../server-versions.ts';

export const historyMessages = {
  HISTORICAL_DATA: message(17, 'HISTORICAL_DATA', [
    version(3, { before: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
    int('reqId'),
    str('startDate', { before: MIN_SERVER_VER_HISTORICAL_DATA_END }),
    str('endDate', { before: MIN_SERVER_VER_HISTORICAL_DATA_END }),
    list('bars', [
      str('date'),
      double('open'),
      double('high'),
      double('low'),
      double('close'),
      double('volume'),
      double('wap'),
      str('hasGaps', { before: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
      int('barCount'),
    ]),
  ]),
  HISTORICAL_DATA_END: message(108, 'HISTORICAL_DATA_END', [int('reqId'), str('startDate'), str('endDate')]),
  /** A keepUpToDate bar: note open, close, high, low and wap before volume (EDecoder order). */
  HISTORICAL_DATA_UPDATE: message(90, 'HISTORICAL_DATA_UPDATE', [
    int('reqId'),
    int('barCount'),
    str('date'),
    double('open'),
    double('close'),
    double('high'),
    double('low'),
    double('wap'),
    double('volume'),
  ]),
  /** whatToShow SCHEDULE: the range, its time zone, then (start, end, refDate) per session. */
  HISTORICAL_SCHEDULE: message(106, 'HISTORICAL_SCHEDULE', [
    int('reqId'),
    str('startDateTime'),
    str('endDateTime'),
    str('timeZone'),
    list('sessions', [str('startDateTime'), str('endDateTime'), str('refDate')]),
  ]),
  HEAD_TIMESTAMP: message(88, 'HEAD_TIMESTAMP', [int('reqId'), str('headTimestamp')]),
  HISTOGRAM_DATA: message(89, 'HISTOGRAM_DATA', [int('reqId'), list('items', [double('price'), double('size')])]),

  /** MIDPOINT ticks; each carries an unused int (0) after its time (epoch seconds). */
  HISTORICAL_TICKS: message(96, 'HISTORICAL_TICKS', [
    int('reqId'),
    list('ticks', [int('time'), filler('unused', '0'), double('price'), double('size')]),
    bool('done'),
  ]),
  /** attribMask: bit 0 askPastHigh, bit 1 bidPastLow (official; @stoqey/ib reads them swapped). */
  HISTORICAL_TICKS_BID_ASK: message(97, 'HISTORICAL_TICKS_BID_ASK', [
    int('reqId'),
    list('ticks', [int('time'), int('attribMask'), double('priceBid'), double('priceAsk'), double('sizeBid'), double('sizeAsk')]),
    bool('done'),
  ]),
  /** attribMask: bit 0 pastLimit, bit 1 unreported. */
  HISTORICAL_TICKS_LAST: message(98, 'HISTORICAL_TICKS_LAST', [
    int('reqId'),
    list('ticks', [int('time'), int('attribMask'), double('price'), double('size'), str('exchange'), str('specialConditions')]),
    bool('done'),
  ]),
} as const;
