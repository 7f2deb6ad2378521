/**
 * Zone arithmetic moved to `common/ib/time-zones.ts`, its one home shared with the collector.
 * This re-export keeps the market's imports (and branches in flight) working unchanged.
 */
export * from '../../common/ib/time-zones.ts';
