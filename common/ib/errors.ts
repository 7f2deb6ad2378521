/**
 * IB's error and notice codes and texts: one module for the simulator (which sends them) and the
 * collector (which reads them). Texts are kept verbatim where they were observed in real traffic,
 * because client code matches on them; variable parts are parameters.
 * Codes and texts: docs/wire-facts/errors.md, one section per code (e.g.
 * docs/wire-facts/errors.md#162-historical-data-service-errors); which errors end a request:
 * request-errors.ts and docs/wire-facts/request-ends.md#which-codes-end-which-request.
 */

/** The id field of a notice that concerns no request (connection-level). */
export const NO_ID = -1;

/** IB's codes by name, as the official clients and IB's message-code table use them. */
export const IbCode = {
  /** "Warning: Approaching max rate of 50 messages per second (<n>)", id -1. */
  RATE_WARNING: 0,
  RATE_EXCEEDED: 100,
  /** "Historical Market Data Service error message:…" — pacing violation, no data, query cancelled. */
  HMDS_ERROR: 162,
  /** "Historical Market Data Service query message:…" — informational. */
  HMDS_QUERY_MESSAGE: 165,
  NO_SECURITY_DEFINITION: 200,
  READ_ERROR: 320,
  VALIDATION_ERROR: 321,
  PROCESSING_ERROR: 322,
  CLIENT_ID_IN_USE: 326,
  AUTO_BIND_NOT_ALLOWED: 327,
  /** "Requested market data is not subscribed. …" — no live subscription (and no delayed data). */
  MARKET_DATA_NOT_SUBSCRIBED: 354,
  NO_HISTORICAL_QUERY: 366,
  /** "Invalid Real-time Query:<reason>" — a real-time request refused (pacing, permissions, competing IP). */
  INVALID_REAL_TIME_QUERY: 420,
  /** Client side: could not connect (the official clients' text). */
  CONNECT_FAIL: 502,
  /** Client side: not connected. */
  NOT_CONNECTED: 504,
  CONNECTIVITY_LOST: 1100,
  CONNECTIVITY_RESTORED_DATA_LOST: 1101,
  CONNECTIVITY_RESTORED_DATA_MAINTAINED: 1102,
  MARKET_FARM_OK: 2104,
  HMDS_FARM_OK: 2106,
  SECDEF_FARM_OK: 2158,
  IMPLIED_TIME_ZONE: 2174,
  /** A notice: the account's market data subscription does not extend to the API; delayed data follows. */
  API_NEEDS_SUBSCRIPTION: 10089,
  /** A notice: part of the requested market data is not subscribed; the rest keeps coming. */
  PART_NOT_SUBSCRIBED: 10090,
  /** A notice: "Requested market data is not subscribed. Displaying delayed market data." */
  DELAYED_DATA_DISPLAYED: 10167,
  /** "Requested market data is not subscribed. Delayed market data is not enabled." */
  DELAYED_DATA_NOT_ENABLED: 10168,
  /** The same text under the code IB's message table lists it with. */
  DELAYED_DATA_NOT_ENABLED_ALT: 10186,
  /** "No market data during competing live session". */
  COMPETING_SESSION: 10197,
  INVALID_END_DATE: 10314,
} as const;

export interface IbErrorBody {
  code: number;
  message: string;
}

const HMDS_PREFIX = 'Historical Market Data Service error message:';

/** The parts of IB's texts that tell one 162 (or 200, 321) from another; matched case-insensitively. */
export const IB_TEXT = {
  pacingViolation: 'Historical data request pacing violation',
  noData: 'HMDS query returned no data',
  queryCancelled: 'API historical data query cancelled',
  ambiguous: 'is ambiguous',
  readOnly: 'Read-Only mode',
} as const;

/** Error and notice bodies the gateway sends, by name. */
export const IbError = {
  /** Sent with the violation count as its id: docs/wire-facts/errors.md#100-message-rate-exceeded. */
  rateExceeded: (max: number, received: number, count: number): IbErrorBody => ({
    code: IbCode.RATE_EXCEEDED,
    message: `Max rate of messages per second has been exceeded:max=${max} rec=${received} (${count})`,
  }),
  /** Code 0, id -1, before the limit is reached: docs/wire-facts/pacing.md#approaching-the-limit-warning-code-0. */
  rateApproaching: (max: number, received: number): IbErrorBody => ({
    code: IbCode.RATE_WARNING,
    message: `Warning: Approaching max rate of ${max} messages per second (${received})`,
  }),
  /** Any 162: the HMDS prefix and the text after it (docs/wire-facts/errors.md#162-historical-data-service-errors). */
  hmds: (text: string): IbErrorBody => ({ code: IbCode.HMDS_ERROR, message: `${HMDS_PREFIX}${text}` }),
  pacingViolation: (): IbErrorBody => IbError.hmds(IB_TEXT.pacingViolation),
  /** `AAPL@SMART Trades`: local symbol, exchange and the whatToShow label. */
  noData: (what: string): IbErrorBody => IbError.hmds(`${IB_TEXT.noData}: ${what}`),
  /**
   * HMDS has no data of that kind for the contract, e.g. `EUR/CASH@FXSUBPIP Last 60` for TRADES
   * bars of a currency pair (symbol/secType@source, the series, the bar size).
   * docs/wire-facts/market-data.md#forex-has-no-trades
   */
  noHistoricalData: (what: string): IbErrorBody => IbError.hmds(`No historical market data for ${what}`),
  historicalCancelled: (reqId: number): IbErrorBody => IbError.hmds(`${IB_TEXT.queryCancelled}: ${reqId}`),
  /** IB's text; `detail` (the simulator's own explanation, e.g. any-symbol mode's) follows after a full stop. */
  noSecurityDefinition: (detail?: string): IbErrorBody => ({
    code: IbCode.NO_SECURITY_DEFINITION,
    message: `No security definition has been found for the request${detail ? `. ${detail}` : ''}`,
  }),
  /** A data request whose contract description matches several contracts (contract details list them all instead). */
  ambiguousContract: (symbol: string): IbErrorBody => ({
    code: IbCode.NO_SECURITY_DEFINITION,
    message: `The contract description specified for ${symbol} is ambiguous.`,
  }),
  /** Our choice for malformed requests: TWS documents 320 as "error reading an API client request". */
  readError: (detail: string): IbErrorBody => ({ code: IbCode.READ_ERROR, message: `Error reading request.-'${detail}'` }),
  /** docs/wire-facts/errors.md#321-validation-errors */
  validation: (tag: string, cause: string): IbErrorBody => ({
    code: IbCode.VALIDATION_ERROR,
    message: `Error validating request.-'${tag}' : cause - ${cause}`,
  }),
  processing: (tag: string, cause: string): IbErrorBody => ({
    code: IbCode.PROCESSING_ERROR,
    message: `Error processing request.-'${tag}' : cause - ${cause}`,
  }),
  /** docs/wire-facts/errors.md#326-client-id-in-use */
  clientIdInUse: (): IbErrorBody => ({
    code: IbCode.CLIENT_ID_IN_USE,
    message: 'Unable to connect as the client id is already in use. Retry with a unique client id.',
  }),
  autoBindNotAllowed: (): IbErrorBody => ({
    code: IbCode.AUTO_BIND_NOT_ALLOWED,
    message: 'Only API connections with clientId set to 0 can set the auto bind TWS orders property.',
  }),
  noHistoricalQuery: (reqId: number): IbErrorBody => ({ code: IbCode.NO_HISTORICAL_QUERY, message: `No historical data query found for ticker id:${reqId}` }),
  /**
   * TWS documents a limit of 32 API clients but not the refusal text; this borrows the wording of
   * the official client's 502 text so users recognise it.
   */
  tooManyClients: (max: number): IbErrorBody => ({
    code: IbCode.CONNECT_FAIL,
    message: `Couldn't connect to TWS. The maximum API connection threshold (${max}) has been reached.`,
  }),
  connectivityLost: (): IbErrorBody => ({ code: IbCode.CONNECTIVITY_LOST, message: 'Connectivity between IB and Trader Workstation has been lost.' }),
  connectivityRestoredDataLost: (): IbErrorBody => ({
    code: IbCode.CONNECTIVITY_RESTORED_DATA_LOST,
    message: 'Connectivity between IB and Trader Workstation has been restored - data lost.',
  }),
  connectivityRestoredDataMaintained: (): IbErrorBody => ({
    code: IbCode.CONNECTIVITY_RESTORED_DATA_MAINTAINED,
    message: 'Connectivity between IB and Trader Workstation has been restored - data maintained. All data farms are connected: usfarm; ushmds; secdefil.',
  }),
  marketFarmOk: (farm: string): IbErrorBody => ({ code: IbCode.MARKET_FARM_OK, message: `Market data farm connection is OK:${farm}` }),
  hmdsFarmOk: (farm: string): IbErrorBody => ({ code: IbCode.HMDS_FARM_OK, message: `HMDS data farm connection is OK:${farm}` }),
  secdefFarmOk: (farm: string): IbErrorBody => ({ code: IbCode.SECDEF_FARM_OK, message: `Sec-def data farm connection is OK:${farm}` }),
  /** Seen (TWS 10.17+), sent with the request id before the data. */
  impliedTimeZone: (): IbErrorBody => ({
    code: IbCode.IMPLIED_TIME_ZONE,
    message:
      'Warning: You submitted request with date-time attributes without explicit time zone. Please switch to use yyyymmdd-hh:mm:ss in UTC or use instrument time zone, like US/Eastern. Implied time zone functionality will be removed in the next API release',
  }),
  /** Seen (TWS 10.x, shortened): an end date/time that does not parse. */
  invalidEndDate: (): IbErrorBody => ({
    code: IbCode.INVALID_END_DATE,
    message:
      'End Date/Time: The date, time, or time-zone entered is invalid. The correct format is yyyymmdd hh:mm:ss xx/xxxx where yyyymmdd and xx/xxxx are optional. E.g.: 20031126 15:59:00 US/Eastern. You can also provide yyyymmdd-hh:mm:ss in UTC.',
  }),
} as const;

/** Farm notices sent after login, in the order a real gateway sends them. */
export const FARM_NOTICES: readonly IbErrorBody[] = [
  IbError.marketFarmOk('usfarm.nj'),
  IbError.marketFarmOk('usfarm'),
  IbError.marketFarmOk('eufarm'),
  IbError.hmdsFarmOk('ushmds'),
  IbError.hmdsFarmOk('euhmds'),
  IbError.secdefFarmOk('secdefil'),
];
