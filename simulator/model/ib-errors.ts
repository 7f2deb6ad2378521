/**
 * IB's codes and texts moved to `common/ib/errors.ts`, their one home shared with the collector.
 * This re-export keeps imports of branches in flight working; new code imports the common module.
 */
export { FARM_NOTICES, IbError, NO_ID, type IbErrorBody } from '../../common/ib/errors.ts';
