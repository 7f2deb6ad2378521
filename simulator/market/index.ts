/** Market data of the simulator: contract universe, contract details, symbol search, history. */
export * from './contracts.ts';
export * from './history.ts';
export { createMarketData, loadUniverse, type MarketDataOptions } from './market-data.ts';
export type { Instrument } from './instrument.ts';
export { contractDetailsFor, symbolSampleFor, HOURS_DAYS } from './contract-details.ts';
export { BAR_SIZES, MAX_BARS, SUPPORTED_WHAT_TO_SHOW, IMPLIED_ZONE_WARNING, type HistError } from './history-request.ts';
export { SYNTHETIC_CONID_MIN, SYNTHETIC_CONID_MAX } from './contract-schema.ts';
export { isOpen, nextOpen, sessionAt, sessionOn, type ExchangeHours, type TradingDate } from './market-hours.ts';
