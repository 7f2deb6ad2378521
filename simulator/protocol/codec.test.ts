import { describe, expect, it } from 'vitest';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  encodeHandshake,
  encodeServerMessage,
  FrameDecoder,
  FramingError,
  parseVersionRange,
  ProtocolError,
  splitFields,
} from './index.ts';

/** Frame bodies from the verified captures in docs/wire-facts (contracts.md, history.md, requests.md; commas there stand for NUL). */
const body = (fields: string[]) => encodeFrame(fields).subarray(4);

describe('captured client traffic decodes as declared', () => {
  it('the @stoqey/ib handshake bytes', () => {
    const bytes = Buffer.from('41504900000000097631303' + '02e2e313933', 'hex');
    expect(encodeHandshake(100, 193)).toEqual(bytes);
    const d = new FrameDecoder({ expectApiPrefix: true });
    const [frame] = d.push(bytes);
    expect(parseVersionRange(frame!.toString('latin1'))).toEqual({ min: 100, max: 193, options: [] });
  });

  it('connect options after the range', () => {
    expect(parseVersionRange('v157..178 +PACEAPI')).toEqual({ min: 157, max: 178, options: ['+PACEAPI'] });
    expect(parseVersionRange('v176')).toEqual({ min: 176, max: 176, options: [] });
    expect(() => parseVersionRange('v178..100')).toThrow(/max 100 is below min 178/);
    expect(() => parseVersionRange('hello')).toThrow(FramingError);
  });

  it('START_API from @stoqey/ib (bytes 00 00 00 08 37 31 00 32 00 35 00 00)', () => {
    const frames = new FrameDecoder().push(Buffer.from('000000083731003200350000', 'hex'));
    expect(decodeClientFrame(frames[0]!, 178)).toEqual({ type: 'START_API', clientId: 5, optionalCapabilities: '' });
  });

  it('REQ_CONTRACT_DATA from @stoqey/ib and from ib_async', () => {
    const stoqey = decodeClientFrame(body(['9', '8', '101', '', 'AAPL', 'STK', '', '', '', '', 'SMART', '', 'USD', '', '', '', '', '', '']), 178);
    const ibAsync = decodeClientFrame(body('9,8,3,0,AAPL,STK,,0.0,,,SMART,,USD,,,0,,,'.split(',')), 178);
    for (const m of [stoqey, ibAsync]) {
      expect(m).toMatchObject({
        type: 'REQ_CONTRACT_DATA',
        conId: 0,
        symbol: 'AAPL',
        secType: 'STK',
        strike: 0,
        exchange: 'SMART',
        currency: 'USD',
        includeExpired: false,
      });
    }
    expect(stoqey).toMatchObject({ reqId: 101 });
    expect(ibAsync).toMatchObject({ reqId: 3 });
  });

  it('REQ_HISTORICAL_DATA from @stoqey/ib and from ib_async', () => {
    const stoqey = ['20', '104', '265598', '', '', '', '', '', '', 'SMART', '', '', '', '', '0', '', '1 min', '1 D', '1', 'TRADES', '1', '0', ''];
    const ibAsync = '20,7,265598,,,,0.0,,,SMART,,,,,0,,1 min,1 D,1,TRADES,1,0,'.split(',');
    for (const [fields, reqId] of [
      [stoqey, 104],
      [ibAsync, 7],
    ] as const) {
      expect(decodeClientFrame(body([...fields]), 178)).toEqual({
        type: 'REQ_HISTORICAL_DATA',
        reqId,
        conId: 265598,
        symbol: '',
        secType: '',
        lastTradeDateOrContractMonth: '',
        strike: 0,
        right: '',
        multiplier: '',
        exchange: 'SMART',
        primaryExchange: '',
        currency: '',
        localSymbol: '',
        tradingClass: '',
        includeExpired: false,
        endDateTime: '',
        barSize: '1 min',
        duration: '1 D',
        useRTH: 1,
        whatToShow: 'TRADES',
        formatDate: 1,
        comboLegs: [],
        keepUpToDate: false,
        chartOptions: '',
      });
    }
  });

  it('unknown ids come back raw; malformed numbers name the field and keep the reqId', () => {
    // 105 is REQ_CURRENT_TIME_IN_MILLIS, a v197 request no client sends at 193 or below: not declared.
    expect(decodeClientFrame(body(['105']), 178)).toMatchObject({ type: 'UNKNOWN', id: 105 });
    expect(decodeClientFrame(body(['60', '1']), 178)).toMatchObject({ type: 'UNKNOWN', id: 60 });
    expect(decodeClientFrame(body(['xyz']), 178)).toMatchObject({ type: 'UNKNOWN', id: 'xyz' });
    try {
      decodeClientFrame(body(['9', '8', '12', 'abc', 'AAPL']), 178);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as Error).message).toBe('REQ_CONTRACT_DATA.conId: expected an integer, got "abc"');
      expect((err as ProtocolError).reqId).toBe(12);
    }
    expect(() => decodeClientFrame(body(['9', '8', '12']), 178)).toThrow(/message ended before field 'conId'/);
  });
});

describe('server replies encode to the verified layouts', () => {
  it('the handshake reply', () => {
    const frame = encodeServerMessage({ type: 'SERVER_VERSION', serverVersion: 178, connectionTime: '20251110 10:15:00 MET' }, 178);
    expect(frame.toString('latin1')).toBe('\x00\x00\x00\x1a178\x0020251110 10:15:00 MET\x00');
  });

  it('error 326 at v178 carries the advancedOrderRejectJson field', () => {
    const text = 'Unable to connect as the client id is already in use. Retry with a unique client id.';
    const frame = encodeServerMessage({ type: 'ERR_MSG', id: -1, code: 326, message: text, advancedOrderRejectJson: '', errorTime: 0 }, 178);
    expect(splitFields(frame.subarray(4))).toEqual(['4', '2', '-1', '326', text, '']);
  });

  it('CONTRACT_DATA at v178 matches the frame both clients accepted', () => {
    const hours = '20251110:0930-20251110:1600;20251111:0930-20251111:1600';
    const expected = [
      '10',
      '101',
      'AAPL',
      'STK',
      '',
      '0',
      '',
      'SMART',
      'USD',
      'AAPL',
      'NMS',
      'NMS',
      '265598',
      '0.01',
      '',
      'ACTIVETIM,ADJUST,ALERT,LMT,MKT,STP',
      'SMART,NASDAQ',
      '1',
      '0',
      'APPLE INC',
      'NASDAQ',
      '',
      'Technology',
      'Computers',
      'Computers',
      'US/Eastern',
      hours,
      hours,
      '',
      '',
      '1',
      'ISIN',
      'US0378331005',
      '1',
      '',
      '',
      '26,26',
      '',
      'COMMON',
      '0.0001',
      '0.0001',
      '100',
    ];
    const decoded = decodeServerFrame(body(expected), 178);
    expect(decoded).toMatchObject({
      type: 'CONTRACT_DATA',
      conId: 265598,
      longName: 'APPLE INC',
      secIdList: [{ tag: 'ISIN', value: 'US0378331005' }],
      evMultiplier: undefined,
    });
    expect(splitFields(encodeServerMessage(decoded, 178).subarray(4))).toEqual(expected);
  });

  it('HISTORICAL_DATA at v178 (no version field, start/end in the message)', () => {
    const expected =
      '17,7,20251110 09:30:00 US/Eastern,20251110 09:32:00 US/Eastern,2,20251110 09:30:00 US/Eastern,100.5,101,100,100.75,1200,100.6,15,20251110 09:31:00 US/Eastern,100.75,101.25,100.5,101,800,100.9,9'.split(
        ',',
      );
    const decoded = decodeServerFrame(body(expected), 178);
    expect(decoded).toMatchObject({
      type: 'HISTORICAL_DATA',
      reqId: 7,
      bars: [
        { open: 100.5, barCount: 15 },
        { close: 101, volume: 800 },
      ],
    });
    expect(splitFields(encodeServerMessage(decoded, 178).subarray(4))).toEqual(expected);
  });

  it('strict decoding rejects leftover fields, as @stoqey/ib does', () => {
    expect(() => decodeServerFrame(body(['52', '1', '5', 'extra']), 178)).toThrow(/1 unprocessed field/);
  });
});

describe('framing limits', () => {
  it('rejects an oversized length before buffering the body', () => {
    const d = new FrameDecoder();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(0x1000000, 0);
    expect(() => d.push(head)).toThrow(/exceeds the 16777215-byte limit/);
  });

  it('rejects garbage before the handshake as soon as it diverges from "API\\0"', () => {
    const d = new FrameDecoder({ expectApiPrefix: true });
    expect(d.push(Buffer.from('AP'))).toEqual([]);
    expect(() => d.push(Buffer.from('X'))).toThrow(/expected the "API\\0" handshake prefix/);
  });

  it('rejects a body without its NUL terminator', () => {
    expect(() => splitFields(Buffer.from('49\x001'))).toThrow(/does not end with a NUL/);
    expect(() => splitFields(Buffer.alloc(0))).toThrow(/empty frame/);
  });
});
