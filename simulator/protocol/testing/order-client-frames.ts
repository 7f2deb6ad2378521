/**
 * Reference frames of the order and account requests other than PLACE_ORDER
 * (place-order-frames.ts): cancels, exercise, P&L, FA, soft-dollar tiers. Written by hand from
 * official EClient.java (TWS API 10.34.02), checked against @stoqey/ib 1.6.10 encoder.js and
 * ib_async 2.0.1 client.py (read 2026-11-30), at 178, 193 and every other layout between 100 and 194.
 */
import { option } from './client-frames.ts';
import { clientFrame, SOURCE } from './reference-frame.ts';

const all = `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`;
const both = `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}`;
const cancelTime = '20261110 10:00:00 US/Eastern';
const noCme = { extOperator: '', manualOrderIndicator: undefined };
const { primaryExchange: _primary, ...exerciseContract } = option;
const exercise = { reqId: 214, ...exerciseContract, exerciseAction: 1, exerciseQuantity: 3, account: 'DU0118471', override: 0 };

export const orderClientFrames = [
  // CANCEL_ORDER: version 1 until v192; manualOrderCancelTime from v169; three RFQ slots at
  // 187..189; extOperator and manualOrderIndicator from v192.
  clientFrame('CANCEL_ORDER', {
    version: 168,
    wire: '4|1|301',
    message: { orderId: 301, manualOrderCancelTime: '', ...noCme },
    source: `${both} below MANUAL_ORDER_TIME (169)`,
  }),
  clientFrame('CANCEL_ORDER', {
    version: 178,
    wire: `4|1|301|${cancelTime}`,
    message: { orderId: 301, manualOrderCancelTime: cancelTime, ...noCme },
    source: all,
  }),
  clientFrame('CANCEL_ORDER', {
    version: 187,
    wire: `4|1|301|${cancelTime}|||2147483647`,
    message: { orderId: 301, manualOrderCancelTime: cancelTime, ...noCme },
    source: `${both} at RFQ_FIELDS (187) .. UNDO_RFQ_FIELDS (190)`,
  }),
  clientFrame('CANCEL_ORDER', {
    version: 190,
    wire: `4|1|301|${cancelTime}`,
    message: { orderId: 301, manualOrderCancelTime: cancelTime, ...noCme },
    source: `${both} from UNDO_RFQ_FIELDS (190) below CME_TAGGING_FIELDS (192)`,
  }),
  clientFrame('CANCEL_ORDER', {
    version: 193,
    wire: `4|301|${cancelTime}|trader7|1`,
    message: { orderId: 301, manualOrderCancelTime: cancelTime, extOperator: 'trader7', manualOrderIndicator: 1 },
    source: `${both} from CME_TAGGING_FIELDS (192)`,
  }),
  // What both clients write when manualOrderIndicator is unset: Integer.MAX_VALUE as text.
  clientFrame('CANCEL_ORDER', {
    version: 193,
    wire: '4|301|||2147483647',
    message: { orderId: 301, manualOrderCancelTime: '', ...noCme },
    source: `${SOURCE.eclient} (send(int) of Integer.MAX_VALUE); ${SOURCE.stoqeyEncoder} (manualOrderIndicator ?? Integer_MAX_VALUE)`,
    decodeOnly: true,
  }),

  clientFrame('REQ_GLOBAL_CANCEL', { version: 178, wire: '58|1', message: { ...noCme }, source: all }),
  clientFrame('REQ_GLOBAL_CANCEL', {
    version: 193,
    wire: '58|trader7|0',
    message: { extOperator: 'trader7', manualOrderIndicator: 0 },
    source: `${both} from CME_TAGGING_FIELDS (192)`,
  }),

  // EXERCISE_OPTIONS: version 2, reqId, the contract without primaryExchange, action, quantity,
  // account, override; manualOrderTime v180, customerAccount v183, professionalCustomer v184.
  clientFrame('EXERCISE_OPTIONS', {
    version: 178,
    wire: '21|2|214|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|1|3|DU0118471|0',
    message: { ...exercise, manualOrderTime: '', customerAccount: '', professionalCustomer: false },
    source: all,
  }),
  clientFrame('EXERCISE_OPTIONS', {
    version: 180,
    wire: '21|2|214|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|1|3|DU0118471|0|20261218 15:00:00',
    message: { ...exercise, manualOrderTime: '20261218 15:00:00', customerAccount: '', professionalCustomer: false },
    source: `${both} from MANUAL_ORDER_TIME_EXERCISE_OPTIONS (180)`,
  }),
  clientFrame('EXERCISE_OPTIONS', {
    version: 183,
    wire: '21|2|214|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|1|3|DU0118471|0|20261218 15:00:00|CUST1',
    message: { ...exercise, manualOrderTime: '20261218 15:00:00', customerAccount: 'CUST1', professionalCustomer: false },
    source: `${both} from CUSTOMER_ACCOUNT (183)`,
  }),
  clientFrame('EXERCISE_OPTIONS', {
    version: 193,
    wire: '21|2|214|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|1|3|DU0118471|0|20261218 15:00:00|CUST1|1',
    message: { ...exercise, manualOrderTime: '20261218 15:00:00', customerAccount: 'CUST1', professionalCustomer: true },
    source: `${both} from PROFESSIONAL_CUSTOMER (184)`,
  }),
  // What IBApi.exerciseOptions writes at 193: it has no parameters for the three newer fields.
  clientFrame('EXERCISE_OPTIONS', {
    version: 193,
    wire: '21|2|214|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|1|3|DU0118471|0|||0',
    message: { ...exercise, manualOrderTime: '', customerAccount: '', professionalCustomer: false },
    source: `${SOURCE.stoqeyEncoder} exerciseOptions (defaults "", "", false); ${SOURCE.eclient}`,
  }),

  clientFrame('REQ_PNL', { version: 178, wire: '92|215|DU0118471|', message: { reqId: 215, account: 'DU0118471', modelCode: '' }, source: all }),
  clientFrame('CANCEL_PNL', { version: 178, wire: '93|215', message: { reqId: 215 }, source: all }),
  clientFrame('REQ_PNL_SINGLE', {
    version: 178,
    wire: '94|216|DU0118471|MODEL1|265598',
    message: { reqId: 216, account: 'DU0118471', modelCode: 'MODEL1', conId: 265598 },
    source: all,
  }),
  clientFrame('CANCEL_PNL_SINGLE', { version: 178, wire: '95|216', message: { reqId: 216 }, source: all }),

  clientFrame('REQ_FA', { version: 178, wire: '18|1|1', message: { faDataType: 1 }, source: all }),
  // REPLACE_FA: reqId last, from v157 (REPLACE_FA_END).
  clientFrame('REPLACE_FA', {
    version: 178,
    wire: '19|1|3|<ListOfAccountAliases/>|217',
    message: { faDataType: 3, xml: '<ListOfAccountAliases/>', reqId: 217 },
    source: all,
  }),
  clientFrame('REPLACE_FA', {
    version: 156,
    wire: '19|1|3|<ListOfAccountAliases/>',
    message: { faDataType: 3, xml: '<ListOfAccountAliases/>', reqId: 0 },
    source: `${both} below REPLACE_FA_END (157)`,
  }),
  clientFrame('REQ_SOFT_DOLLAR_TIERS', { version: 178, wire: '79|218', message: { reqId: 218 }, source: all }),
];
