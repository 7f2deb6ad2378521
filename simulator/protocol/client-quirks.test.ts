/**
 * Requests that ib_async 2.0.1 writes differently from the official client
 * (docs/wire-facts/market-data.md#client-disagreements): one field more than the official
 * layout. The simulator decodes leniently (trailing fields are ignored, as by a gateway reading
 * positionally), so these requests still reach a handler, with the options field holding the
 * count ib_async put there. The frames are ib_async's `client.py` forms, written by hand.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeFields, ClientMessages, FrameDecoder, type MessageDef } from './index.ts';
import { frameBytes } from './testing/frames.ts';
import { wire } from './testing/reference-frame.ts';
import { OPT } from './testing/market-data-client-frames.ts';
import { option } from './testing/client-frames.ts';

const bodyOf = (text: string) => new FrameDecoder().push(frameBytes(wire(text)))[0]!;

const quirks = [
  {
    type: 'REQ_FUNDAMENTAL_DATA',
    wire: '52|2|211|265598|AAPL|STK|SMART|NASDAQ|USD|AAPL|ReportsFinSummary|0|',
    message: {
      reqId: 211,
      ...{ conId: 265598, symbol: 'AAPL', secType: 'STK', exchange: 'SMART', primaryExchange: 'NASDAQ', currency: 'USD', localSymbol: 'AAPL' },
      reportType: 'ReportsFinSummary',
      fundamentalDataOptions: '0',
    },
  },
  {
    type: 'REQ_CALC_IMPLIED_VOLAT',
    wire: `54|3|206|${OPT}|4.35|187.1|0|`,
    message: { reqId: 206, ...option, optionPrice: 4.35, underPrice: 187.1, impliedVolatilityOptions: '0' },
  },
  {
    type: 'REQ_CALC_OPTION_PRICE',
    wire: `55|3|207|${OPT}|0.28|187.1|0|`,
    message: { reqId: 207, ...option, volatility: 0.28, underPrice: 187.1, optionPriceOptions: '0' },
  },
] as const;

describe("ib_async 2.0.1's extra options count", () => {
  it.each(quirks.map((q) => [q.type, q] as const))('%s decodes, with one field left over', (_type, q) => {
    expect(decodeClientFrame(bodyOf(q.wire), 178)).toStrictEqual({ type: q.type, ...q.message });
    // The official layout is one field shorter: a strict read notices the extra field.
    const def = ClientMessages[q.type] as MessageDef;
    expect(() => decodeFields(def, wire(q.wire), 178, { strict: true })).toThrow(/1 unprocessed field/);
  });
});
