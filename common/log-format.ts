/**
 * The log formats of every subcommand, apart from the logger so that parsing a flag does not load
 * pino (CLI start-up time).
 */

/** `json`: one pino JSON object a line (for log collectors); `human`: `level: message key=value …`. */
export type LogFormat = 'json' | 'human';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'human'];
