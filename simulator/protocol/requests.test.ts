/**
 * The request builders give every field a value the codec writes and reads back unchanged, at the
 * simulator's version and at 193, so a test built from them sends exactly what it states.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientFrame, encodeClientMessage, FrameDecoder, type ClientMessage } from './index.ts';
import {
  AAPL_CONID,
  accountSummaryRequest,
  cancelOrderRequest,
  contractRequest,
  executionsRequest,
  historyRequest,
  mktDataRequest,
  placeOrderRequest,
  pnlRequest,
  pnlSingleRequest,
  realTimeBarsRequest,
} from './requests.ts';

const built: Array<[string, ClientMessage]> = [
  ['contract details', contractRequest(1)],
  ['history', historyRequest(2)],
  ['streaming market data', mktDataRequest(3)],
  ['a snapshot by conId', mktDataRequest(4, { conId: AAPL_CONID, symbol: '', snapshot: true, genericTickList: '233' })],
  ['real-time bars', realTimeBarsRequest(5, { whatToShow: 'MIDPOINT' })],
  ['a market order', placeOrderRequest(6)],
  ['a limit order', placeOrderRequest(7, { orderType: 'LMT', lmtPrice: 187.25, tif: 'GTC', outsideRth: true })],
  ['a bracket child', placeOrderRequest(9, { action: 'SELL', orderType: 'STP', auxPrice: 180, parentId: 7, transmit: false })],
  ['a cancel', cancelOrderRequest(7)],
  ['executions of client 5 today', executionsRequest(8, { filterClientId: 5, time: '20261130-09:30:00' })],
  ['account summary', accountSummaryRequest(10, 'NetLiquidation,TotalCashValue,BuyingPower')],
  ['PnL', pnlRequest(11, 'DU0118471')],
  ['PnL of one position', pnlSingleRequest(12, 'DU0118471', AAPL_CONID)],
];

describe('request builders round-trip through the codec', () => {
  for (const version of [178, 193]) {
    it.each(built)(`%s at v${version}`, (_name, msg) => {
      const [body] = new FrameDecoder().push(encodeClientMessage(msg, version));
      expect(decodeClientFrame(body!, version)).toStrictEqual(msg);
    });
  }
});
