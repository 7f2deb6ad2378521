/**
 * Reference frames of the news, Wall Street Horizon and session requests (log level, user info,
 * verification, display groups), written by hand from official EClient.java (TWS API 10.34.02),
 * checked against @stoqey/ib 1.6.10 encoder.js and ib_async 2.0.1 client.py (read 2026-11-30).
 */
import { clientFrame, SOURCE } from './reference-frame.ts';

const all = `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`;
/** The verification requests: @stoqey/ib 1.6.10 has no encoder for them. */
const noStoqey = `${SOURCE.eclient}; ${SOURCE.ibAsyncClient}`;
const wshFilter = '{"watchlist":["265598"]}';
const wsh = { reqId: 222, conId: 265598, filter: '', fillWatchlist: false, fillPortfolio: false, fillCompetitors: false };
const noDates = { startDate: '', endDate: '', totalLimit: undefined };

export const sessionClientFrames = [
  clientFrame('REQ_NEWS_BULLETINS', { version: 178, wire: '12|1|1', message: { allMsgs: true }, source: all }),
  clientFrame('CANCEL_NEWS_BULLETINS', { version: 178, wire: '13|1', message: {}, source: all }),
  clientFrame('REQ_NEWS_PROVIDERS', { version: 178, wire: '85', message: {}, source: all }),
  // The options field arrives at v128 (NEWS_QUERY_ORIGINS).
  clientFrame('REQ_NEWS_ARTICLE', {
    version: 178,
    wire: '84|219|BRFG|BRFG$04fb9da2|',
    message: { reqId: 219, providerCode: 'BRFG', articleId: 'BRFG$04fb9da2', newsArticleOptions: '' },
    source: all,
  }),
  clientFrame('REQ_NEWS_ARTICLE', {
    version: 127,
    wire: '84|219|BRFG|BRFG$04fb9da2',
    message: { reqId: 219, providerCode: 'BRFG', articleId: 'BRFG$04fb9da2', newsArticleOptions: '' },
    source: `${SOURCE.eclient} below NEWS_QUERY_ORIGINS (128); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('REQ_HISTORICAL_NEWS', {
    version: 178,
    wire: '86|220|265598|BRFG+BZ|2026-11-01 00:00:00.0|2026-11-10 00:00:00.0|10|',
    message: {
      reqId: 220,
      conId: 265598,
      providerCodes: 'BRFG+BZ',
      startDateTime: '2026-11-01 00:00:00.0',
      endDateTime: '2026-11-10 00:00:00.0',
      totalResults: 10,
      historicalNewsOptions: '',
    },
    source: all,
  }),
  clientFrame('REQ_HISTORICAL_NEWS', {
    version: 127,
    wire: '86|220|265598|BRFG+BZ|2026-11-01 00:00:00.0|2026-11-10 00:00:00.0|10',
    message: {
      reqId: 220,
      conId: 265598,
      providerCodes: 'BRFG+BZ',
      startDateTime: '2026-11-01 00:00:00.0',
      endDateTime: '2026-11-10 00:00:00.0',
      totalResults: 10,
      historicalNewsOptions: '',
    },
    source: `${SOURCE.eclient} below NEWS_QUERY_ORIGINS (128); ${SOURCE.stoqeyEncoder}`,
  }),

  clientFrame('REQ_WSH_META_DATA', { version: 178, wire: '100|221', message: { reqId: 221 }, source: all }),
  clientFrame('CANCEL_WSH_META_DATA', { version: 178, wire: '101|221', message: { reqId: 221 }, source: all }),
  // REQ_WSH_EVENT_DATA: filter and three fill flags from v171; start, end, limit from v173.
  clientFrame('REQ_WSH_EVENT_DATA', {
    version: 178,
    wire: `102|222|265598|${wshFilter}|1|0|1|20261101|20261130|10`,
    message: { ...wsh, filter: wshFilter, fillWatchlist: true, fillCompetitors: true, startDate: '20261101', endDate: '20261130', totalLimit: 10 },
    source: all,
  }),
  clientFrame('REQ_WSH_EVENT_DATA', {
    version: 172,
    wire: `102|222|265598|${wshFilter}|1|0|1`,
    message: { ...wsh, filter: wshFilter, fillWatchlist: true, fillCompetitors: true, ...noDates },
    source: `${all} below WSH_EVENT_DATA_FILTERS_DATE (173)`,
  }),
  clientFrame('REQ_WSH_EVENT_DATA', {
    version: 170,
    wire: '102|222|265598',
    message: { ...wsh, ...noDates },
    source: `${SOURCE.eclient} below WSH_EVENT_DATA_FILTERS (171); ${SOURCE.stoqeyEncoder}`,
  }),
  // ib_async sends it with makeEmpty=False: an unset conId and totalLimit as 2147483647.
  clientFrame('REQ_WSH_EVENT_DATA', {
    version: 178,
    wire: '102|222|2147483647||0|1|0|||2147483647',
    message: { ...wsh, conId: undefined, fillPortfolio: true, ...noDates },
    source: `${SOURCE.ibAsyncClient} reqWshEventData (makeEmpty=False)`,
    decodeOnly: true,
  }),
  clientFrame('CANCEL_WSH_EVENT_DATA', { version: 178, wire: '103|222', message: { reqId: 222 }, source: all }),

  clientFrame('SET_SERVER_LOGLEVEL', { version: 178, wire: '14|1|5', message: { logLevel: 5 }, source: all }),
  clientFrame('REQ_USER_INFO', { version: 178, wire: '104|223', message: { reqId: 223 }, source: all }),
  clientFrame('VERIFY_REQUEST', { version: 178, wire: '65|1|myApp|1.0', message: { apiName: 'myApp', apiVersion: '1.0' }, source: noStoqey }),
  clientFrame('VERIFY_MESSAGE', { version: 178, wire: '66|1|data-1', message: { apiData: 'data-1' }, source: noStoqey }),
  clientFrame('VERIFY_AND_AUTH_REQUEST', {
    version: 178,
    wire: '72|1|myApp|1.0|isv-key',
    message: { apiName: 'myApp', apiVersion: '1.0', opaqueIsvKey: 'isv-key' },
    source: noStoqey,
  }),
  clientFrame('VERIFY_AND_AUTH_MESSAGE', {
    version: 178,
    wire: '73|1|data-2|xyz-response',
    message: { apiData: 'data-2', xyzResponse: 'xyz-response' },
    source: noStoqey,
  }),
  clientFrame('QUERY_DISPLAY_GROUPS', { version: 178, wire: '67|1|224', message: { reqId: 224 }, source: all }),
  clientFrame('SUBSCRIBE_TO_GROUP_EVENTS', { version: 178, wire: '68|1|225|4', message: { reqId: 225, groupId: 4 }, source: all }),
  clientFrame('UPDATE_DISPLAY_GROUP', {
    version: 178,
    wire: '69|1|225|265598@SMART',
    message: { reqId: 225, contractInfo: '265598@SMART' },
    source: all,
  }),
  clientFrame('UNSUBSCRIBE_FROM_GROUP_EVENTS', { version: 178, wire: '70|1|225', message: { reqId: 225 }, source: all }),
];
