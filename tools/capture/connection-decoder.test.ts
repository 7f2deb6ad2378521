/**
 * Framing robustness of the recorder's decoder: however the reads split the two byte streams,
 * the same records come out; client frames pipelined before the version reply are decoded once
 * the version is known; a declared message that would not re-encode byte for byte is kept raw.
 */
import { describe, expect, it } from 'vitest';
import { encodeClientMessage, encodeFrame, encodeHandshake, encodeServerMessage } from '../../simulator/protocol/index.ts';
import { contractRequest } from '../../simulator/protocol/requests.ts';
import { ConnectionDecoder, type DecodedRecord } from './connection-decoder.ts';
import { Masker } from './mask.ts';

const V = 176;
/** A POSITION as Java writes doubles ("0.0", "150.50"): declared, but re-encoding would change the text. */
const POSITION = ['61', '3', 'DU1234567', '265598', 'AAPL', 'STK', '', '0.0', '', '', 'SMART', 'USD', 'AAPL', 'NMS', '10.0', '150.50'];
const clientBytes = Buffer.concat([
  encodeHandshake(100, V, ['+PACEAPI']),
  encodeClientMessage({ type: 'START_API', clientId: 12, optionalCapabilities: '' }, V),
  encodeClientMessage(contractRequest(4), V),
  // A message id no client sends (999) is undeclared, so it stays raw fields.
  encodeFrame(['999', '11', '4', 'AAPL']),
]);
const gatewayBytes = Buffer.concat([
  encodeFrame(['176', '20251110 10:15:00 MET']),
  encodeServerMessage({ type: 'MANAGED_ACCTS', accounts: 'DU1234567,DU7654321' }, V),
  encodeServerMessage({ type: 'NEXT_VALID_ID', orderId: 17 }, V),
  encodeServerMessage(
    { type: 'ERR_MSG', id: -1, code: 2104, message: 'Market data farm connection is OK:usfarm', advancedOrderRejectJson: '', errorTime: 0 },
    V,
  ),
  encodeFrame(POSITION),
]);

function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Feed the client's bytes first (it pipelines START_API before the reply), then the gateway's, in `size`-byte reads. */
function decode(size: number, masker?: Masker): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  const decoder = new ConnectionDecoder((r) => records.push(r), masker);
  const c = chunks(clientBytes, size);
  const g = chunks(gatewayBytes, size);
  // Interleave: the first half of the client's reads, every gateway read, the rest of the client's.
  const half = Math.ceil(c.length / 2);
  for (const b of c.slice(0, half)) decoder.push('client', b, 1);
  for (const b of g) decoder.push('gateway', b, 2);
  for (const b of c.slice(half)) decoder.push('client', b, 3);
  return records.map((r) => ({ ...r, t: 0 }));
}

describe('ConnectionDecoder', () => {
  const whole = decode(Number.MAX_SAFE_INTEGER);

  it('reads the handshake, the version reply and every frame at the negotiated version', () => {
    expect(whole.map((r) => ('handshake' in r ? `handshake ${r.handshake}` : `${'from' in r ? r.from : ''} ${'type' in r ? r.type : 'raw'}`))).toEqual([
      'handshake v100..176 +PACEAPI',
      'gateway SERVER_VERSION',
      'client START_API',
      'client REQ_CONTRACT_DATA',
      'client raw',
      'gateway MANAGED_ACCTS',
      'gateway NEXT_VALID_ID',
      'gateway ERR_MSG',
      'gateway POSITION',
    ]);
    expect(whole[2]).toMatchObject({ msg: { clientId: 12, optionalCapabilities: '' } });
    expect(whole[4]).toMatchObject({ fields: ['999', '11', '4', 'AAPL'] });
    expect(whole[8]).toMatchObject({ type: 'POSITION', fields: POSITION, note: expect.stringContaining('change the bytes') });
  });

  it('gives the same records for every read size down to one byte', () => {
    // How the reads interleave decides the order of client and gateway records, not their content.
    const bySide = (records: DecodedRecord[]) => ({
      client: records.filter((r) => 'from' in r && r.from === 'client'),
      gateway: records.filter((r) => 'from' in r && r.from === 'gateway'),
    });
    for (const size of [1, 2, 3, 4, 5, 7, 13, 64]) expect(bySide(decode(size))).toEqual(bySide(whole));
  });

  it('masks accounts in decoded and raw frames alike, consistently across frames', () => {
    const masked = decode(1, new Masker());
    const ofType = (type: string) => masked.find((r) => 'type' in r && r.type === type);
    expect(ofType('MANAGED_ACCTS')).toMatchObject({ msg: { accounts: 'DU0000001,DU0000002' } });
    expect(ofType('POSITION')).toMatchObject({ fields: POSITION.map((f) => (f === 'DU1234567' ? 'DU0000001' : f)) });
  });

  it('stops decoding a direction that is not frames, without throwing', () => {
    const records: DecodedRecord[] = [];
    const decoder = new ConnectionDecoder((r) => records.push(r));
    decoder.push('client', Buffer.from('GET / HTTP/1.1\r\n\r\n'), 1);
    decoder.push('client', Buffer.from('more'), 2);
    expect(records).toEqual([{ t: 1, event: 'unframed', from: 'client', error: expect.stringContaining('expected the "API\\0" handshake prefix') }]);
  });
});
