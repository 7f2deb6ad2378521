/**
 * The one fixtures module of the tests: instruments (re-exported from common/instruments.ts) and
 * the model instants the tests run at.
 */
export * from '../instruments.ts';

/** Wed 2025-11-12 17:00 New York (22:00 UTC): after the US close, so a day's bars are complete and stable. */
export const AFTER_CLOSE = Date.UTC(2025, 10, 12, 22, 0, 0);
