/**
 * IB's codes and texts, pinned where clients match on them, and the one reading of them both
 * sides share: what the simulator sends for a historical request, the collector's request book
 * reads the way the gateway means it. docs/wire-facts/history.md#what-answers-a-request
 */
import { describe, expect, it } from 'vitest';
import { classifyRequestError, isConnectionNotice } from '../../collector/adapters/request-book.ts';
import { ClientIdInUse, NoHistoricalData, NoSecurityDefinition, NotConnected, PacingViolation, RequestsLost } from '../../collector/errors.ts';
import { GatewayRejected } from '../../collector/gateway-errors.ts';
import { buildHistoricalReply } from '../../simulator/market/history.ts';
import { ContractUniverse } from '../../simulator/market/contracts.ts';
import { CONID } from '../testing/fixtures.ts';
import { IB_HISTORICAL_PACING } from './pacing.ts';
import { IbRefusal } from './refusals.ts';
import { IbCode, IbError, NO_ID } from './errors.ts';
import { endsRequest, errorRequestId, isNoData, isPacingViolation, isWarningCode, requestEndOf, type RequestEnd } from './request-errors.ts';

describe('texts clients match on', () => {
  it('are kept verbatim', () => {
    expect(IbError.pacingViolation()).toEqual({ code: 162, message: 'Historical Market Data Service error message:Historical data request pacing violation' });
    expect(IbError.noData('AAPL@SMART Trades').message).toBe('Historical Market Data Service error message:HMDS query returned no data: AAPL@SMART Trades');
    expect(IbError.historicalCancelled(5).message).toBe('Historical Market Data Service error message:API historical data query cancelled: 5');
    expect(IbError.validation('bK', 'x')).toEqual({ code: 321, message: "Error validating request.-'bK' : cause - x" });
    expect(IbError.clientIdInUse()).toEqual({ code: 326, message: 'Unable to connect as the client id is already in use. Retry with a unique client id.' });
    expect(IbError.noSecurityDefinition()).toEqual({ code: 200, message: 'No security definition has been found for the request' });
  });

  it('are recognised by what they say, not by their code alone', () => {
    expect(isPacingViolation(162, IbError.pacingViolation().message)).toBe(true);
    expect(isPacingViolation(162, IbError.noData('AAPL@SMART Trades').message)).toBe(false);
    expect(isPacingViolation(420, 'Invalid Real-time Query:Historical data request pacing violation')).toBe(false);
    expect(isNoData(162, IbError.noData('AAPL@SMART Trades').message)).toBe(true);
    expect(isNoData(162, IbError.historicalCancelled(3).message)).toBe(false);
  });
});

describe('which errors end a request', () => {
  it('an id of -1 and the counter in error 100 name no request', () => {
    expect(errorRequestId(NO_ID, IbCode.HMDS_FARM_OK)).toBeUndefined();
    expect(errorRequestId(7, IbCode.RATE_EXCEEDED)).toBeUndefined();
    expect(errorRequestId(7, IbCode.HMDS_ERROR)).toBe(7);
    expect(isConnectionNotice(7, IbCode.RATE_EXCEEDED)).toBe(true);
    expect(isConnectionNotice(7, IbCode.NO_SECURITY_DEFINITION)).toBe(false);
  });

  it('warnings sent while the request is served do not end it; 321 does', () => {
    for (const code of [2174, 2104, 2188, 2999, 165, 399, 404, 434, 492, 10089, 10090, 10167])
      expect([code, isWarningCode(code), endsRequest(3, code)]).toEqual([code, true, false]);
    for (const code of [162, 200, 320, 321, 322, 354, 366, 420, 10168, 10186, 10197, 10314]) expect([code, endsRequest(3, code)]).toEqual([code, true]);
  });

  it('why a request ended, read from code and text (docs/wire-facts/request-ends.md#which-codes-end-which-request)', () => {
    const cases: Array<[number, string, RequestEnd]> = [
      [200, IbError.noSecurityDefinition().message, 'unknown-contract'],
      [200, IbError.ambiguousContract('TTE').message, 'ambiguous-contract'],
      [162, IbError.pacingViolation().message, 'pacing-violation'],
      [162, IbError.noData('AAPL@SMART Trades').message, 'no-data'],
      [162, IbError.historicalCancelled(4).message, 'query-cancelled'],
      [162, 'Historical Market Data Service error message:invalid step: 1', 'hmds-refused'],
      [162, IbError.noHistoricalData('EUR/CASH@FXSUBPIP Last 60').message, 'hmds-refused'],
      [321, IbError.validation('bK', 'Historical data bar size setting is invalid.').message, 'invalid-request'],
      [321, "Error validating request.-'bO' : cause - The API interface is currently in Read-Only mode.", 'read-only'],
      [322, IbError.processing('bH', 'Duplicate ticker ID for API historical data query').message, 'processing-error'],
      [322, IbRefusal.notSimulated('REQ_HISTORICAL_DATA whatToShow HISTORICAL_VOLATILITY').message, 'not-simulated'],
      [354, 'Requested market data is not subscribed.', 'not-subscribed'],
      [10168, 'Requested market data is not subscribed. Delayed market data is not enabled.', 'not-subscribed'],
      [366, IbError.noHistoricalQuery(3).message, 'no-such-query'],
      [420, 'Invalid Real-time Query:Trading TWS session is connected from a different IP address', 'invalid-real-time-query'],
      [10197, 'No market data during competing live session', 'competing-session'],
      [10314, IbError.invalidEndDate().message, 'invalid-end-date'],
      [999, 'something new', 'other'],
    ];
    for (const [code, text, reason] of cases) expect([code, text, requestEndOf(code, text)]).toEqual([code, text, reason]);
  });
});

describe('the collector reads what the simulator sends the way the gateway means it', () => {
  const aapl = ContractUniverse.default().byConId(CONID.AAPL)!;
  const NOW = Date.UTC(2025, 10, 16, 17, 0); // a Sunday
  const reply = (over: { barSize?: string; duration?: string; endDateTime?: string }) =>
    buildHistoricalReply(
      { endDateTime: '', barSize: '1 hour', duration: '1 D', useRTH: 1, whatToShow: 'TRADES', formatDate: 1, exchange: 'SMART', ...over },
      aapl,
      { seed: 1, nowMs: NOW },
    );
  const classify = (e: { code: number; message: string }) => classifyRequestError(e.code, e.message, 'AAPL');

  it('a pacing violation is a PacingViolation, retryable after the identical-request window', () => {
    const outcome = classify(IbError.pacingViolation());
    expect(outcome.kind === 'reject' && outcome.error).toBeInstanceOf(PacingViolation);
    expect(outcome.kind === 'reject' && outcome.error).toMatchObject({ retryable: true, retryAfterMs: IB_HISTORICAL_PACING.identicalWindowMs });
  });

  it('"no data" (162) ends the request as a typed NoHistoricalData with IB\'s text, a 321 rejection ends the request, the 2174 warning does not', () => {
    const empty = reply({ duration: '60 S', barSize: '1 min' });
    expect(empty.ok).toBe(false);
    const none = !empty.ok && classify(empty);
    expect(none && none.kind === 'reject' && none.error).toBeInstanceOf(NoHistoricalData);
    expect(none && none.kind === 'reject' && none.error).toMatchObject({
      ibCode: 162,
      retryable: false,
      ibText: expect.stringContaining('HMDS query returned no data'),
    });
    const rejected = reply({ barSize: '7 mins' });
    expect(!rejected.ok && rejected.code).toBe(IbCode.VALIDATION_ERROR);
    const outcome = !rejected.ok && classify(rejected);
    expect(outcome && outcome.kind === 'reject' && outcome.error).toBeInstanceOf(GatewayRejected);
    expect(outcome && outcome.kind === 'reject' && outcome.error).toMatchObject({
      code: 'GATEWAY_REJECTED',
      ibCode: 321,
      ibMessage: !rejected.ok && rejected.message,
      reason: 'invalid-request',
      retryable: false,
    });
    const warned = reply({ endDateTime: '20251114 16:00:00' });
    expect(warned.ok && warned.warning && classify(warned.warning)).toEqual({ kind: 'ignore' });
  });

  it("the collector's typed errors carry IB's codes", () => {
    expect(new PacingViolation('x').ibCode).toBe(IbCode.HMDS_ERROR);
    expect(new NoSecurityDefinition('x').ibCode).toBe(IbCode.NO_SECURITY_DEFINITION);
    expect(new ClientIdInUse(1, 'h:1').ibCode).toBe(IbCode.CLIENT_ID_IN_USE);
    expect(new RequestsLost('h:1').ibCode).toBe(IbCode.CONNECTIVITY_RESTORED_DATA_LOST);
    expect(new NotConnected('x').ibCode).toBe(IbCode.NOT_CONNECTED);
  });
});
