/** Swallow matching requests: no answer ever comes (a lost request). A rule. */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const ignoreSchema = strictObject({ kind: z.literal('ignore'), ...sessionFaultFields });
export type IgnoreFault = z.infer<typeof ignoreSchema>;

export const ignore: SessionFaultKind<IgnoreFault> = {
  name: 'ignore',
  scope: 'session',
  schema: ignoreSchema,
  describe: () => 'ignore the request',
  onMessage: () => 'consumed',
};
