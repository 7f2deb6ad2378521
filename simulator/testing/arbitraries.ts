/**
 * fast-check generators for the wire fuzzers: valid client messages derived from the declared
 * schema (so every request type is covered, with values a handler finds interesting), field-level
 * mutations of them, free-form frames, and byte-level mutations of whole request streams.
 */
import fc from 'fast-check';
import { ClientMessages, clientMessageById, encodeFields, SIM_MAX_VERSION, type Field, type MessageDef, type ScalarField } from '../protocol/index.ts';
import { BAR_SIZES } from '../market/history-request.ts';

export const VERSION = SIM_MAX_VERSION;
export const KNOWN_IDS: readonly number[] = [...clientMessageById.keys()].sort((a, b) => a - b);
const DEFS = Object.values(ClientMessages) as readonly MessageDef[];

/** Values that tend to break parsers: extremes, near-numbers, zone/date edge cases, odd text. */
export const NASTY_VALUES: readonly string[] = [
  '',
  '0',
  '-0',
  '1',
  '-1',
  '01',
  ' 1',
  '1 ',
  '+1',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '99999999999999999999',
  '1000000000000000000000',
  '1e3',
  '1e309',
  '-1e309',
  '1.7976931348623157E308',
  '4.9E-324',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1,000',
  '.',
  '-',
  'true',
  'false',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'toString',
  '%s%s%n',
  '\\u0000',
  '"\'`',
  '\u00e9\u00c9',
  '\u{1F600}',
  '\ud800',
  '\u202e',
  '\r\n',
  'A'.repeat(300),
  '9'.repeat(400),
];

const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'AMD', 'TTE', 'SAP', 'AZN', 'MC', 'SPY', 'WLN', 'ZZZZ', 'aapl', 'AAPL ', ''];
const BY_NAME: Record<string, readonly string[]> = {
  symbol: SYMBOLS,
  pattern: [...SYMBOLS, 'APPLE', 'a', 'INC', '.*', '(', 'x'.repeat(500)],
  secType: ['STK', '', 'OPT', 'FUT', 'BAG', 'CASH', 'IND', 'stk', 'BOND'],
  exchange: ['SMART', '', 'NASDAQ', 'ISLAND', 'SBF', 'IBIS', 'LSE', 'AEB', 'BOGUS', 'smart'],
  primaryExchange: ['', 'NASDAQ', 'ISLAND', 'SBF', 'NYSE', 'BOGUS'],
  currency: ['USD', 'EUR', '', 'GBP', 'XXX', 'usd'],
  lastTradeDateOrContractMonth: ['', '202512', '20251219', '2025', 'soon'],
  right: ['', 'C', 'P', 'CALL', 'X'],
  multiplier: ['', '100', '1', 'x'],
  localSymbol: ['', 'AAPL', 'TTE', 'X'],
  tradingClass: ['', 'NMS', 'TTE'],
  secIdType: ['', 'ISIN', 'CUSIP', 'FIGI', 'BOGUS'],
  secId: ['', 'US0378331005', 'FR0000120271', 'XX'],
  issuerId: ['', 'e1234'],
  barSize: [...BAR_SIZES.map((b) => b.text), '1W', '1M', '1 sec', '0 mins', '1 hours', '', '1  min'],
  duration: ['1 D', '2 D', '5 D', '1 W', '2 W', '1 M', '1 Y', '60 S', '1800 S', '3600 S', '0 D', '100000 Y', '100001 Y', '-1 D', '1 d', '', '1D'],
  whatToShow: ['TRADES', 'MIDPOINT', 'BID', 'ASK', 'BID_ASK', 'ADJUSTED_LAST', 'HISTORICAL_VOLATILITY', 'SCHEDULE', '', 'trades', 'BOGUS'],
  endDateTime: [
    '',
    '20251110 16:00:00 US/Eastern',
    '20251110-21:00:00',
    '20251110 16:00:00',
    '16:00:00',
    '16:00:00 Europe/Paris',
    '20240229 12:00:00 UTC',
    '20250229 12:00:00 UTC',
    '99991231 23:59:59 UTC',
    '00010101 00:00:00 UTC',
    '19000101 12:00:00 US/Eastern',
    '20251110 25:00:00 UTC',
    '20251110 16:00:00 Mars/Olympus_Mons',
    '20251110 16:00:00 GMT+14',
    '2025111O 16:00:00',
    '20251110  16:00:00',
  ],
  chartOptions: ['', 'XYZ=1'],
  optionalCapabilities: ['', '+PACEAPI', 'x'],
  acctCode: ['', 'DU0118471', 'U999'],
  account: ['', 'DU0118471', 'All'],
  modelCode: ['', 'M1'],
  group: ['All', '', 'nope'],
  tags: ['NetLiquidation', '', 'NetLiquidation,TotalCashValue', '$LEDGER:ALL'],
  time: ['', '20251110 00:00:00', 'x'],
  side: ['', 'BUY', 'SELL'],
  action: ['BUY', 'SELL', ''],
};

/** A free-form field: anything a broken or hostile client might put between two NULs. */
export const anyField: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_VALUES) },
  { weight: 3, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...Object.values(BY_NAME).flat()) },
);

const smallInt = fc.oneof(fc.integer({ min: -2, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }));

function scalarArb(field: ScalarField): fc.Arbitrary<unknown> {
  const named = BY_NAME[field.name];
  switch (field.kind) {
    case 'str': {
      // A NUL cannot be inside a field (it ends it): a valid message never holds one.
      const text = anyField.filter((s) => !s.includes('\0'));
      return named ? fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...named) }, { weight: 1, arbitrary: text }) : text;
    }
    case 'bool':
      return fc.boolean();
    case 'int':
      if (field.name === 'formatDate') return fc.constantFrom(1, 2, 0, 3);
      if (field.name === 'useRTH') return fc.constantFrom(0, 1, 2);
      if (field.name === 'marketDataType') return fc.integer({ min: 0, max: 5 });
      if (field.name === 'conId') return fc.constantFrom(0, 0, 265598, 272093, 1, -1);
      return smallInt;
    case 'optInt':
      return fc.option(smallInt, { nil: undefined });
    case 'double':
      return fc.oneof(fc.constant(0), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(100.5, -1, 1e-7));
    case 'optDouble':
      return fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined });
  }
}

function recordArb(fields: readonly Field[]): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (f.kind === 'const') continue;
    model[f.name] = f.kind === 'list' ? fc.array(recordArb(f.item), { maxLength: 3 }) : scalarArb(f);
  }
  return fc.record(model);
}

/** A valid message (as wire fields, id first) of any declared client type. */
export const validFields: fc.Arbitrary<string[]> = fc
  .constantFrom(...DEFS)
  .chain((def) => recordArb(def.fields).map((m) => encodeFields(def, { type: def.type, ...m }, VERSION)));

/** A valid message of one type. */
export function validFieldsOf(type: keyof typeof ClientMessages): fc.Arbitrary<string[]> {
  const def = ClientMessages[type] as MessageDef;
  return recordArb(def.fields).map((m) => encodeFields(def, { type: def.type, ...m }, VERSION));
}

type FieldOp =
  | { op: 'replace'; at: number; value: string }
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; value: string }
  | { op: 'truncate'; keep: number }
  | { op: 'append'; values: string[] }
  | { op: 'repeat'; at: number };

const fieldOp: fc.Arbitrary<FieldOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: anyField }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: anyField }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), values: fc.array(anyField, { minLength: 1, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), at: fc.nat() }) },
);

function applyFieldOp(fields: string[], op: FieldOp): string[] {
  const out = [...fields];
  // Field 0 (the id) is kept unless the op says otherwise: these are "known id, wrong body" frames.
  const pick = (n: number) => 1 + (n % Math.max(1, out.length - 1));
  switch (op.op) {
    case 'replace':
      out[pick(op.at)] = op.value;
      break;
    case 'delete':
      if (out.length > 1) out.splice(pick(op.at), 1);
      break;
    case 'insert':
      out.splice(pick(op.at), 0, op.value);
      break;
    case 'truncate':
      out.length = Math.min(out.length, 1 + (op.keep % out.length));
      break;
    case 'append':
      out.push(...op.values);
      break;
    case 'repeat': {
      const i = pick(op.at);
      out.splice(i, 0, out[i] ?? '');
      break;
    }
  }
  return out;
}

/** A known message id with a damaged body: wrong field count, non-numeric numbers, odd text. */
export const nearValidFields: fc.Arbitrary<string[]> = fc
  .tuple(validFields, fc.array(fieldOp, { minLength: 1, maxLength: 4 }))
  .map(([fields, ops]) => ops.reduce(applyFieldOp, fields));

/** Message id field: known ids, unknown ids, and ids that are not numbers at all. */
export const idField: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN_IDS).map(String) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 400 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', '-1', '09', '071', ' 9', '9 ', '+9', '1e1', 'abc', '4294967305', '99999999999999999999') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** A free-form frame: some id, then 0..40 arbitrary fields. */
export const randomFields: fc.Arbitrary<string[]> = fc.tuple(idField, fc.array(anyField, { maxLength: 40 })).map(([id, rest]) => [id, ...rest]);

/** Any well-framed message body as fields: valid, damaged, or free-form. */
export const anyFrameFields: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: validFields },
  { weight: 4, arbitrary: nearValidFields },
  { weight: 3, arbitrary: randomFields },
);

// ---- byte level ------------------------------------------------------------------------------

export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'splice'; at: number; from: number; len: number };

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0xff, 0x7f, 0x30, 0x39, 0x2d, 0x80) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }), to: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), from: fc.nat(), len: fc.integer({ min: 1, max: 300 }) }) },
);

/** Apply a byte mutation; `donor` supplies spliced-in bytes (another valid stream). */
export function mutateBytes(buf: Buffer, m: ByteMutation, donor: Buffer): Buffer {
  if (buf.length === 0) return buf;
  const at = m.at % buf.length;
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(buf);
      out[at] = out[at]! ^ (1 << m.bit);
      return out;
    }
    case 'set': {
      const out = Buffer.from(buf);
      out[at] = m.value;
      return out;
    }
    case 'truncate':
      return buf.subarray(0, at);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + m.len)]);
    case 'duplicate': {
      const piece = buf.subarray(at, at + m.len);
      const to = m.to % (buf.length + 1);
      return Buffer.concat([buf.subarray(0, to), piece, buf.subarray(to)]);
    }
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), Buffer.from(m.bytes), buf.subarray(at)]);
    case 'splice': {
      const from = donor.length ? m.from % donor.length : 0;
      return Buffer.concat([buf.subarray(0, at), donor.subarray(from, from + m.len), buf.subarray(at)]);
    }
  }
}

/** Cut a byte stream into writes at the given (relative) points, to exercise reassembly. */
export function chunk(buf: Buffer, cuts: readonly number[]): Buffer[] {
  if (buf.length === 0) return [];
  const points = [...new Set(cuts.map((c) => c % buf.length))].filter((p) => p > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}
