/**
 * Error and notice texts the gateway sends, as observed in real traffic (docs/wire-facts/errors.md).
 * Variable parts are parameters; everything else is kept verbatim because client code matches on it.
 */
export const NO_ID = -1;

export const IbError = {
  rateExceeded: (max: number, received: number, count: number) => ({
    code: 100,
    message: `Max rate of messages per second has been exceeded:max=${max} rec=${received} (${count})`,
  }),
  pacingViolation: () => ({ code: 162, message: 'Historical Market Data Service error message:Historical data request pacing violation' }),
  historicalCancelled: (reqId: number) => ({
    code: 162,
    message: `Historical Market Data Service error message:API historical data query cancelled: ${reqId}`,
  }),
  noSecurityDefinition: () => ({ code: 200, message: 'No security definition has been found for the request' }),
  /** Our choice for malformed requests: TWS documents 320 as "error reading an API client request". */
  readError: (detail: string) => ({ code: 320, message: `Error reading request.-'${detail}'` }),
  validation: (tag: string, cause: string) => ({ code: 321, message: `Error validating request.-'${tag}' : cause - ${cause}` }),
  processing: (tag: string, cause: string) => ({ code: 322, message: `Error processing request.-'${tag}' : cause - ${cause}` }),
  clientIdInUse: () => ({ code: 326, message: 'Unable to connect as the client id is already in use. Retry with a unique client id.' }),
  autoBindNotAllowed: () => ({
    code: 327,
    message: 'Only API connections with clientId set to 0 can set the auto bind TWS orders property.',
  }),
  noHistoricalQuery: (reqId: number) => ({ code: 366, message: `No historical data query found for ticker id:${reqId}` }),
  /**
   * TWS documents a limit of 32 API clients but not the refusal text; this borrows the wording of
   * the official client's 502 text so users recognise it.
   */
  tooManyClients: (max: number) => ({
    code: 502,
    message: `Couldn't connect to TWS. The maximum API connection threshold (${max}) has been reached.`,
  }),
  connectivityLost: () => ({ code: 1100, message: 'Connectivity between IB and Trader Workstation has been lost.' }),
  connectivityRestoredDataLost: () => ({
    code: 1101,
    message: 'Connectivity between IB and Trader Workstation has been restored - data lost.',
  }),
  connectivityRestoredDataMaintained: () => ({
    code: 1102,
    message: 'Connectivity between IB and Trader Workstation has been restored - data maintained. All data farms are connected: usfarm; ushmds; secdefil.',
  }),
  marketFarmOk: (farm: string) => ({ code: 2104, message: `Market data farm connection is OK:${farm}` }),
  hmdsFarmOk: (farm: string) => ({ code: 2106, message: `HMDS data farm connection is OK:${farm}` }),
  secdefFarmOk: (farm: string) => ({ code: 2158, message: `Sec-def data farm connection is OK:${farm}` }),
} as const;

export interface IbErrorBody {
  code: number;
  message: string;
}

/** Farm notices sent after login, in the order a real gateway sends them. */
export const FARM_NOTICES: readonly IbErrorBody[] = [
  IbError.marketFarmOk('usfarm.nj'),
  IbError.marketFarmOk('usfarm'),
  IbError.marketFarmOk('eufarm'),
  IbError.hmdsFarmOk('ushmds'),
  IbError.hmdsFarmOk('euhmds'),
  IbError.secdefFarmOk('secdefil'),
];
