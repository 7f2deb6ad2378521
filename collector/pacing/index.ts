/** The collector's historical-data pacing: a scheduler over IB's rules (common/ib/pacing.ts). */
export { PacingScheduler, type PacingSchedulerOptions, type ReleasePacingSlot } from './scheduler.ts';
export { DEFAULT_PACING_RULES, earliestAllowed, type PacedRequest, type PacingRules, type SentRecord } from './rules.ts';
export { pacedRequest, type HistoricalRequestFields } from '../../common/ib/pacing.ts';
