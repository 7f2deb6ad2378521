import { describe, expect, it } from 'vitest';
import {
  Aborted,
  AmbiguousContract,
  ClientIdInUse,
  ClientIdsExhausted,
  CollectorError,
  ConnectionLost,
  DeadlineExceeded,
  GatewayUnreachable,
  HandshakeTimeout,
  NoSecurityDefinition,
  NotConnected,
  PacingViolation,
  RequestTimeout,
  StoreError,
  describeError,
} from './errors.ts';

describe('collector errors', () => {
  it.each([
    [new ClientIdInUse(41, '127.0.0.1:4002'), 'CLIENT_ID_IN_USE', true, 'client id 41 is already in use on gateway 127.0.0.1:4002 (error 326)'],
    [
      new ClientIdsExhausted('ui', 'gw:4002', 'client id 1 is unavailable'),
      'CLIENT_IDS_EXHAUSTED',
      true,
      "no free client id for role 'ui' on gateway gw:4002: client id 1 is unavailable",
    ],
    [
      new GatewayUnreachable('127.0.0.1', 4002, Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4002'), { code: 'ECONNREFUSED' })),
      'GATEWAY_UNREACHABLE',
      true,
      'cannot reach gateway at 127.0.0.1:4002: connect ECONNREFUSED 127.0.0.1:4002',
    ],
    [
      new HandshakeTimeout('127.0.0.1:4002', 7, 5000),
      'HANDSHAKE_TIMEOUT',
      true,
      'gateway 127.0.0.1:4002 did not complete the API handshake for client id 7 within 5000 ms',
    ],
    [new NotConnected('request historical data for TTE'), 'NOT_CONNECTED', true, 'cannot request historical data for TTE: not connected to the gateway'],
    [new ConnectionLost('127.0.0.1:4002', 7), 'CONNECTION_LOST', true, 'connection to gateway 127.0.0.1:4002 (client id 7) was lost'],
    [new RequestTimeout('qualifyContracts(TTE)', 30_000), 'REQUEST_TIMEOUT', true, 'qualifyContracts(TTE) got no answer within 30000 ms'],
    [new NoSecurityDefinition('WLN', 'STK WLN SMART EUR'), 'NO_SECURITY_DEFINITION', false, 'no security definition found for STK WLN SMART EUR (error 200)'],
    [new PacingViolation('AAPL 5 secs TRADES'), 'PACING_VIOLATION', true, 'historical data pacing violation for AAPL 5 secs TRADES (error 162)'],
    [
      new DeadlineExceeded('qualify TTE', 60_000, 4, new RequestTimeout('qualifyContracts(TTE)', 15_000)),
      'DEADLINE_EXCEEDED',
      false,
      'qualify TTE did not succeed within 60000 ms (4 attempt(s)); last error: REQUEST_TIMEOUT: qualifyContracts(TTE) got no answer within 15000 ms',
    ],
    [new Aborted('collect TTE', 'shutdown'), 'ABORTED', false, 'collect TTE was aborted: shutdown'],
    [
      new StoreError('locked', '/data/collector.db', 'store bars'),
      'STORE_LOCKED',
      true,
      'database is locked by another connection (/data/collector.db) while trying to store bars',
    ],
  ])('%s', (err, code, retryable, message) => {
    expect(err).toBeInstanceOf(CollectorError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toBe(message);
    expect(err.name).toBe(err.constructor.name);
  });

  it('lists the candidates of an ambiguous contract', () => {
    const err = new AmbiguousContract('TTE', [
      { conId: 29612193, symbol: 'TTE', primaryExchange: 'SBF', currency: 'EUR' },
      { conId: 78046366, symbol: 'TTE', primaryExchange: 'NYSE', currency: 'USD' },
    ]);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('contract for TTE is ambiguous: 2 matches [29612193 SBF/EUR, 78046366 NYSE/USD]');
  });

  it('carries IB codes and the cause', () => {
    const cause = new Error('socket hang up');
    expect(new ClientIdInUse(1, 'gw').ibCode).toBe(326);
    expect(new NoSecurityDefinition('X').ibCode).toBe(200);
    expect(new PacingViolation('X').retryAfterMs).toBe(15_000);
    expect(new ConnectionLost('gw', 1, cause).cause).toBe(cause);
    expect(describeError(cause)).toBe('socket hang up');
    expect(describeError('plain')).toBe('plain');
  });
});
