/**
 * Client messages for news (bulletins, providers, articles, historical headlines) and the Wall
 * Street Horizon event calendar. Layouts: official EClient.java (TWS API 10.34.02),
 * cross-checked with ib_async 2.0.1 and @stoqey/ib 1.6.10 — docs/wire-facts/market-data.md#news-and-wsh.
 */
import { bool, int, message, optInt, str, version } from '../schema.ts';
import { MIN_SERVER_VER_NEWS_QUERY_ORIGINS, MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS, MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS_DATE } from '../server-versions.ts';

export const newsMessages = {
  REQ_NEWS_BULLETINS: message(12, 'REQ_NEWS_BULLETINS', [version(1), bool('allMsgs')]),
  CANCEL_NEWS_BULLETINS: message(13, 'CANCEL_NEWS_BULLETINS', [version(1)]),
  REQ_NEWS_PROVIDERS: message(85, 'REQ_NEWS_PROVIDERS', []),
  REQ_NEWS_ARTICLE: message(84, 'REQ_NEWS_ARTICLE', [
    int('reqId'),
    str('providerCode'),
    str('articleId'),
    str('newsArticleOptions', { since: MIN_SERVER_VER_NEWS_QUERY_ORIGINS }),
  ]),
  /** providerCodes `+`-separated (`BZ+FLY`); totalResults at most 300. */
  REQ_HISTORICAL_NEWS: message(86, 'REQ_HISTORICAL_NEWS', [
    int('reqId'),
    int('conId'),
    str('providerCodes'),
    str('startDateTime'),
    str('endDateTime'),
    int('totalResults'),
    str('historicalNewsOptions', { since: MIN_SERVER_VER_NEWS_QUERY_ORIGINS }),
  ]),

  REQ_WSH_META_DATA: message(100, 'REQ_WSH_META_DATA', [int('reqId')]),
  CANCEL_WSH_META_DATA: message(101, 'CANCEL_WSH_META_DATA', [int('reqId')]),
  /**
   * conId and totalLimit are sent as 2147483647 when unset by the official client and ib_async
   * (read as undefined here). filter is a JSON text.
   */
  REQ_WSH_EVENT_DATA: message(102, 'REQ_WSH_EVENT_DATA', [
    int('reqId'),
    optInt('conId'),
    str('filter', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS }),
    bool('fillWatchlist', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS }),
    bool('fillPortfolio', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS }),
    bool('fillCompetitors', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS }),
    str('startDate', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS_DATE }),
    str('endDate', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS_DATE }),
    optInt('totalLimit', { since: MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS_DATE }),
  ]),
  CANCEL_WSH_EVENT_DATA: message(103, 'CANCEL_WSH_EVENT_DATA', [int('reqId')]),
} as const;
