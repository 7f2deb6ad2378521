/**
 * Reference data about instruments and the login: option chains (REQ_SEC_DEF_OPT_PARAMS), market
 * rules, SMART components and family codes. Facts: docs/wire-facts/contracts.md#options,
 * docs/wire-facts/contracts.md#market-rules, docs/wire-facts/contracts.md#smart-components,
 * docs/wire-facts/contracts.md#family-codes.
 */
import { IbError } from '../../../common/ib/errors.ts';
import type { Handlers } from './context.ts';

export const referenceDataHandlers = {
  /** One SECURITY_DEFINITION_OPTION_PARAMETER per exchange and trading class, then the end; 200 for an unknown underlying. */
  REQ_SEC_DEF_OPT_PARAMS(ctx, msg) {
    ctx.whenConnected(() => {
      const chains = ctx.market.optionChains(msg, ctx.now());
      if (!chains) {
        ctx.error(msg.reqId, IbError.noSecurityDefinition());
        return;
      }
      for (const chain of chains) ctx.send({ type: 'SECURITY_DEFINITION_OPTION_PARAMETER', reqId: msg.reqId, ...chain });
      ctx.send({ type: 'SECURITY_DEFINITION_OPTION_PARAMETER_END', reqId: msg.reqId });
    });
  },

  /** Answered for every id: an id the simulator does not know gets an empty list, so no client waits for it. */
  REQ_MARKET_RULE(ctx, msg) {
    const increments = ctx.market.marketRule(msg.marketRuleId) ?? [];
    ctx.send({ type: 'MARKET_RULE', marketRuleId: msg.marketRuleId, priceIncrements: [...increments] });
  },

  REQ_SMART_COMPONENTS(ctx, msg) {
    ctx.send({ type: 'SMART_COMPONENTS', reqId: msg.reqId, components: [...ctx.market.smartComponents(msg.bboExchange)] });
  },

  /** One entry per managed account, without a family code: individual paper accounts belong to no family. */
  REQ_FAMILY_CODES(ctx) {
    ctx.send({ type: 'FAMILY_CODES', familyCodes: ctx.profile.accounts.map((accountId) => ({ accountId, familyCode: '' })) });
  },
} satisfies Handlers;
