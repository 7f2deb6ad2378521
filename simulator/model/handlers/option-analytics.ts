/**
 * Option calculations on a client's own inputs: REQ_CALC_IMPLIED_VOLAT (calculateImpliedVolatility:
 * the volatility that prices the option at the client's price) and REQ_CALC_OPTION_PRICE
 * (calculateOptionPrice: the price at the client's volatility), each answered with one
 * TICK_OPTION_COMPUTATION of tick type 53, with the request's id. Same Black–Scholes model as the
 * option lines' analytics. docs/wire-facts/market-data.md#option-calculations
 */
import { IbError } from '../../../common/ib/errors.ts';
import { TickType } from '../../../common/ib/tick-types.ts';
import { inputsAt, modelComputation, optionSourceOf } from '../../market/option-computations.ts';
import { computationForPrice, type OptionComputation } from '../../market/option-greeks.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';
import type { HandlerContext, Handlers } from './context.ts';
import { sendOptionComputation } from './market-data.ts';

type CalcRequest = ClientMessageOf<'REQ_CALC_IMPLIED_VOLAT'> | ClientMessageOf<'REQ_CALC_OPTION_PRICE'>;

/**
 * A positive, finite input, or undefined after answering 321 naming it. IB's clients send an
 * unset double as Double.MAX_VALUE, which is refused here too.
 */
function positive(ctx: HandlerContext, msg: CalcRequest, name: string, value: number): number | undefined {
  if (Number.isFinite(value) && value > 0 && value < Number.MAX_VALUE) return value;
  ctx.error(msg.reqId, IbError.validation('bc', `${name} must be a positive number, got ${value}`));
  return undefined;
}

/**
 * The option's pricing terms and inputs at the model's now, or undefined after answering why not:
 * 200 for no such contract, 321 for a contract that is not a simulated option.
 */
function optionOf(ctx: HandlerContext, msg: CalcRequest, request: string) {
  const resolved = ctx.market.resolveInstrument(msg, ctx.now());
  if (!resolved.ok) {
    ctx.error(msg.reqId, resolved);
    return undefined;
  }
  const quotes = ctx.market.quotes(resolved.instrument);
  const source = optionSourceOf(quotes, (u) => ctx.market.quotes(u));
  if (!source) {
    const { secType, localSymbol } = resolved.instrument;
    ctx.error(msg.reqId, IbError.validation('bc', `${request} needs an option contract; ${secType} ${localSymbol} is not one`));
    return undefined;
  }
  const { terms } = source;
  return { terms, inputs: inputsAt(terms, ctx.now()) };
}

/**
 * A calculation's checked inputs: the client's `given` value (an option price or a volatility),
 * its underlying price and the option; undefined after answering what was wrong (in that order).
 */
function calculation(ctx: HandlerContext, msg: CalcRequest, request: string, given: [name: string, value: number]) {
  const value = positive(ctx, msg, ...given);
  const underPrice = value === undefined ? undefined : positive(ctx, msg, 'underPrice', msg.underPrice);
  const option = underPrice === undefined ? undefined : optionOf(ctx, msg, request);
  return option && { value: value!, underPrice: underPrice!, ...option };
}

function answer(ctx: HandlerContext, reqId: number, computation: OptionComputation): void {
  sendOptionComputation(ctx, reqId, { tickType: TickType.CUST_OPTION_COMPUTATION, computation });
}

export const optionAnalyticsHandlers = {
  /** The volatility at the client's option price, with the greeks at it ("not computed" when none fits). */
  REQ_CALC_IMPLIED_VOLAT(ctx, msg) {
    const c = calculation(ctx, msg, 'calculateImpliedVolatility', ['optionPrice', msg.optionPrice]);
    if (c) answer(ctx, msg.reqId, computationForPrice(c.inputs, c.underPrice, c.value));
  },
  /** The option's model price at the client's volatility (an American option floored at intrinsic value, with its greeks there), with the greeks. */
  REQ_CALC_OPTION_PRICE(ctx, msg) {
    const c = calculation(ctx, msg, 'calculateOptionPrice', ['volatility', msg.volatility]);
    if (!c) return;
    answer(ctx, msg.reqId, modelComputation(c.terms, c.underPrice, ctx.now(), c.value));
  },
  /** Silent: the one answer has gone, or goes, regardless. */
  CANCEL_CALC_IMPLIED_VOLAT() {},
  CANCEL_CALC_OPTION_PRICE() {},
} satisfies Handlers;
