export {
  processIsAlive,
  renewSafetyMarginMs,
  type Lease,
  type LeaseEntry,
  type LeaseKey,
  type LeaseOwner,
  type LeaseStore,
} from './lease-store.ts';
export { FileLeaseStore, defaultLeaseDir, encodeGateway, type FileLeaseStoreOptions } from './file-lease-store.ts';
export { InMemoryLeaseStore } from './in-memory-lease-store.ts';
export { ClientIdAllocator, type ClientIdAllocatorOptions } from './allocator.ts';
export { RandomIdStrategy, birthdayCollisionProbability } from './random-strategy.ts';
export {
  boundsOf,
  describeRange,
  validateRoles,
  type ClientIdLease,
  type ClientIdSource,
  type LeaseRequestOptions,
  type RoleRange,
  type RoleRanges,
} from './roles.ts';
