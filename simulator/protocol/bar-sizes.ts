/**
 * The bar-size table moved to `common/ib/bar-sizes.ts`, its one home shared with the collector.
 * This re-export keeps imports of branches in flight working; new code imports the common module.
 */
export * from '../../common/ib/bar-sizes.ts';
