/**
 * Gateway messages for news and the Wall Street Horizon calendar. Layouts: official EDecoder.java
 * (TWS API 10.34.02), cross-checked with @stoqey/ib 1.6.10 and ib_async 2.0.1 —
 * docs/wire-facts/market-data.md#news-and-wsh.
 */
import { bool, int, list, message, str, version } from '../schema.ts';

export const newsMessages = {
  /** msgType 1 regular bulletin, 2 exchange unavailable, 3 exchange available again. */
  NEWS_BULLETINS: message(14, 'NEWS_BULLETINS', [version(1), int('msgId'), int('msgType'), str('message'), str('originExchange')]),
  NEWS_PROVIDERS: message(85, 'NEWS_PROVIDERS', [list('providers', [str('providerCode'), str('providerName')])]),
  /** articleType 0 plain text or HTML, 1 binary (base64 PDF). */
  NEWS_ARTICLE: message(83, 'NEWS_ARTICLE', [int('reqId'), int('articleType'), str('articleText')]),
  /** A headline on a market-data line (generic tick 292); timeStamp in epoch milliseconds. */
  TICK_NEWS: message(84, 'TICK_NEWS', [int('reqId'), int('timeStamp'), str('providerCode'), str('articleId'), str('headline'), str('extraData')]),
  HISTORICAL_NEWS: message(86, 'HISTORICAL_NEWS', [int('reqId'), str('time'), str('providerCode'), str('articleId'), str('headline')]),
  HISTORICAL_NEWS_END: message(87, 'HISTORICAL_NEWS_END', [int('reqId'), bool('hasMore')]),
  WSH_META_DATA: message(104, 'WSH_META_DATA', [int('reqId'), str('dataJson')]),
  WSH_EVENT_DATA: message(105, 'WSH_EVENT_DATA', [int('reqId'), str('dataJson')]),
} as const;
