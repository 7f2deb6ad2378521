export { retry, defaultIsRetryable, type AttemptContext, type RetryOptions } from './retry.ts';
export {
  backoffSchedule,
  backoffDelay,
  backoffCeiling,
  resolveBackoff,
  DEFAULT_BACKOFF,
  type BackoffOptions,
  type ResolvedBackoff,
} from './backoff.ts';
