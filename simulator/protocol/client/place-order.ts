/**
 * PLACE_ORDER (3), the longest client message, declared once with its version gates: the field
 * order and the conditions of official EClient.java placeOrder (TWS API 10.34.02), cross-checked
 * with @stoqey/ib 1.6.10 encoder.js and ib_async 2.0.1 client.py — docs/wire-facts/orders.md#place_order-3.
 *
 * Values follow EClient: unset doubles and ints are empty fields (`sendMax`) and read as
 * undefined; a few unset values arrive as IB's sentinels (1.7976931348623157E308, 2147483647),
 * also read as undefined. Fields gated at 195 and above are not declared.
 */
import { bool, filler, int, list, message, optDouble, optInt, since, str, version } from '../schema.ts';
import {
  MIN_SERVER_VER_ADVANCED_ORDER_REJECT,
  MIN_SERVER_VER_AUTO_CANCEL_PARENT,
  MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE,
  MIN_SERVER_VER_CASH_QTY,
  MIN_SERVER_VER_CME_TAGGING_FIELDS,
  MIN_SERVER_VER_CUSTOMER_ACCOUNT,
  MIN_SERVER_VER_D_PEG_ORDERS,
  MIN_SERVER_VER_DECISION_MAKER,
  MIN_SERVER_VER_DURATION,
  MIN_SERVER_VER_EXT_OPERATOR,
  MIN_SERVER_VER_INCLUDE_OVERNIGHT,
  MIN_SERVER_VER_MANUAL_ORDER_TIME,
  MIN_SERVER_VER_MIFID_EXECUTION,
  MIN_SERVER_VER_ORDER_CONTAINER,
  MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS,
  MIN_SERVER_VER_POST_TO_ATS,
  MIN_SERVER_VER_PRICE_MGMT_ALGO,
  MIN_SERVER_VER_PROFESSIONAL_CUSTOMER,
  MIN_SERVER_VER_RFQ_FIELDS,
  MIN_SERVER_VER_SOFT_DOLLAR_TIER,
  MIN_SERVER_VER_UNDO_RFQ_FIELDS,
} from '../server-versions.ts';
import {
  deltaNeutralOrderLegFields,
  faFields,
  hasAlgo,
  hasHedge,
  isPegBest,
  orderComboLegFields,
  orderComboLegPrices,
  orderTermFields,
  p2b,
  pegBenchAndConditionFields,
  scaleFields,
  sendsMidOffsets,
} from '../order-fields.ts';
import { contractFields, deltaNeutralContractFields, isBag } from '../contract-fields.ts';

const pegBest = { since: MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS, when: isPegBest };
const midOffsets = { since: MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS, when: sendsMidOffsets };

export const placeOrder = message(3, 'PLACE_ORDER', [
  version(45, { before: MIN_SERVER_VER_ORDER_CONTAINER }),
  int('orderId'),
  ...contractFields,
  str('secIdType'),
  str('secId'),

  // The main order fields. totalQuantity is a decimal from v101 (FRACTIONAL_POSITIONS), an int before.
  ...orderTermFields,
  bool('transmit'),
  int('parentId'),
  bool('blockOrder'),
  bool('sweepToFill'),
  int('displaySize'),
  int('triggerMethod'),
  bool('outsideRth'),
  bool('hidden'),

  // Combos (BAG only): legs, per-leg prices, smart combo routing parameters.
  list('comboLegs', orderComboLegFields, { when: isBag }),
  list('orderComboLegs', orderComboLegPrices, { when: isBag }),
  list('smartComboRoutingParams', [str('tag'), str('value')], { when: isBag }),

  filler('sharesAllocation', ''),
  optDouble('discretionaryAmt'),
  str('goodAfterTime'),
  str('goodTillDate'),
  ...faFields,
  int('shortSaleSlot'),
  str('designatedLocation'),
  int('exemptCode'),
  int('ocaType'),
  str('rule80A'),
  str('settlingFirm'),
  bool('allOrNone'),
  optInt('minQty'),
  optDouble('percentOffset'),
  // Deprecated: the official client always sends 0, 0, empty; @stoqey/ib sends what the order holds.
  bool('eTradeOnly'),
  bool('firmQuoteOnly'),
  optDouble('nbboPriceCap'),
  optInt('auctionStrategy'),
  optDouble('startingPrice'),
  optDouble('stockRefPrice'),
  optDouble('delta'),
  optDouble('stockRangeLower'),
  optDouble('stockRangeUpper'),
  bool('overridePercentageConstraints'),

  // Volatility orders; the delta-neutral leg only when deltaNeutralOrderType is set.
  optDouble('volatility'),
  optInt('volatilityType'),
  str('deltaNeutralOrderType'),
  optDouble('deltaNeutralAuxPrice'),
  ...deltaNeutralOrderLegFields,
  int('continuousUpdate'),
  optInt('referencePriceType'),

  optDouble('trailStopPrice'),
  optDouble('trailingPercent'),

  ...scaleFields,
  str('scaleTable'),
  str('activeStartTime'),
  str('activeStopTime'),

  str('hedgeType'),
  str('hedgeParam', { when: hasHedge }),
  bool('optOutSmartRouting'),
  str('clearingAccount'),
  str('clearingIntent'),
  bool('notHeld'),
  ...deltaNeutralContractFields,
  str('algoStrategy'),
  list('algoParams', [str('tag'), str('value')], { when: hasAlgo }),
  str('algoId'),
  bool('whatIf'),
  str('orderMiscOptions'),
  bool('solicited'),
  bool('randomizeSize'),
  bool('randomizePrice'),

  // v102 (PEGGED_TO_BENCHMARK): pegged-to-benchmark fields, conditions, adjusted (stop) orders.
  ...pegBenchAndConditionFields,
  str('adjustedOrderType', p2b),
  optDouble('triggerPrice', p2b),
  optDouble('lmtPriceOffset', p2b),
  optDouble('adjustedStopPrice', p2b),
  optDouble('adjustedStopLimitPrice', p2b),
  optDouble('adjustedTrailingAmount', p2b),
  int('adjustableTrailingUnit', p2b),

  str('extOperator', since(MIN_SERVER_VER_EXT_OPERATOR)),
  str('softDollarTierName', since(MIN_SERVER_VER_SOFT_DOLLAR_TIER)),
  str('softDollarTierValue', since(MIN_SERVER_VER_SOFT_DOLLAR_TIER)),
  optDouble('cashQty', since(MIN_SERVER_VER_CASH_QTY)),
  str('mifid2DecisionMaker', since(MIN_SERVER_VER_DECISION_MAKER)),
  str('mifid2DecisionAlgo', since(MIN_SERVER_VER_DECISION_MAKER)),
  str('mifid2ExecutionTrader', since(MIN_SERVER_VER_MIFID_EXECUTION)),
  str('mifid2ExecutionAlgo', since(MIN_SERVER_VER_MIFID_EXECUTION)),
  bool('dontUseAutoPriceForHedge', since(MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE)),
  bool('isOmsContainer', since(MIN_SERVER_VER_ORDER_CONTAINER)),
  bool('discretionaryUpToLimitPrice', since(MIN_SERVER_VER_D_PEG_ORDERS)),
  /** A tri-state: 1, 0, or empty for TWS's default. */
  optInt('usePriceMgmtAlgo', since(MIN_SERVER_VER_PRICE_MGMT_ALGO)),
  optInt('duration', since(MIN_SERVER_VER_DURATION)),
  optInt('postToAts', since(MIN_SERVER_VER_POST_TO_ATS)),
  bool('autoCancelParent', since(MIN_SERVER_VER_AUTO_CANCEL_PARENT)),
  str('advancedErrorOverride', since(MIN_SERVER_VER_ADVANCED_ORDER_REJECT)),
  str('manualOrderTime', since(MIN_SERVER_VER_MANUAL_ORDER_TIME)),

  // v170: IBKRATS minimum trade quantity, PEG BEST / PEG MID attributes.
  optInt('minTradeQty', { since: MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS, when: (m) => m.exchange === 'IBKRATS' }),
  optInt('minCompeteSize', pegBest),
  /** A number, empty when unset, or +infinity ("up to mid") as text: kept as text. */
  str('competeAgainstBestOffset', pegBest),
  optDouble('midOffsetAtWhole', midOffsets),
  optDouble('midOffsetAtHalf', midOffsets),

  str('customerAccount', since(MIN_SERVER_VER_CUSTOMER_ACCOUNT)),
  bool('professionalCustomer', since(MIN_SERVER_VER_PROFESSIONAL_CUSTOMER)),
  filler('rfqReserved1', '', { since: MIN_SERVER_VER_RFQ_FIELDS, before: MIN_SERVER_VER_UNDO_RFQ_FIELDS }),
  filler('rfqReserved2', '2147483647', { since: MIN_SERVER_VER_RFQ_FIELDS, before: MIN_SERVER_VER_UNDO_RFQ_FIELDS }),
  bool('includeOvernight', since(MIN_SERVER_VER_INCLUDE_OVERNIGHT)),
  optInt('manualOrderIndicator', since(MIN_SERVER_VER_CME_TAGGING_FIELDS)),
]);
