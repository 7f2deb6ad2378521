/**
 * Answer matching requests with an IB error (code and text) instead of serving them. On START_API
 * the login is refused: the error goes out and the connection is closed (the id is not held), as
 * TWS does when it refuses a client. A rule.
 */
import { z } from 'zod';
import { integer, strictObject } from '../../common/schema.ts';
import { reqIdOf, sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const errorSchema = strictObject({
  kind: z.literal('error'),
  code: integer(),
  /** The error text; default `Simulated error <code>`. */
  text: z.string().optional(),
  ...sessionFaultFields,
});
export type ErrorFault = z.infer<typeof errorSchema>;

const textOf = (s: ErrorFault) => s.text ?? `Simulated error ${s.code}`;

export const error: SessionFaultKind<ErrorFault> = {
  name: 'error',
  scope: 'session',
  schema: errorSchema,
  describe: (s) => `answer error ${s.code} "${textOf(s)}"`,
  onMessage(spec, s, msg) {
    s.answerError(reqIdOf(msg), spec.code, textOf(spec));
    if (msg.type === 'START_API') s.close(true, `fault: error ${spec.code}`);
    return 'consumed';
  },
};
