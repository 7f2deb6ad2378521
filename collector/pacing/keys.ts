import type { PacedRequest } from './rules.ts';

export interface HistoricalRequestSpec {
  conId: number;
  exchange: string;
  /** As sent: "" for now, or "yyyyMMdd-HH:mm:ss" etc. */
  endDateTime: string;
  durationStr: string;
  barSize: string;
  whatToShow: string;
  useRTH: boolean;
}

/**
 * The pacing identity of a reqHistoricalData call. Two calls with equal `key` are what IB calls
 * identical requests; `contractKey` + whatToShow is what its 2-second rule groups by.
 */
export function pacedRequestFor(spec: HistoricalRequestSpec): PacedRequest {
  const contractKey = `${spec.conId}@${spec.exchange.toUpperCase()}`;
  const whatToShow = spec.whatToShow.toUpperCase();
  return {
    key: [contractKey, spec.endDateTime, spec.durationStr, spec.barSize, whatToShow, spec.useRTH ? 1 : 0].join('|'),
    contractKey,
    whatToShow,
    barSize: spec.barSize,
  };
}
