/**
 * OPEN_ORDER (5) and COMPLETED_ORDER (101): an order with its contract and state, declared once
 * each with their version gates, in the order official EDecoder.java / EOrderDecoder.java (TWS
 * API 10.34.02) read them; cross-checked with @stoqey/ib 1.6.10 decoder.js (identical order) and
 * ib_async 2.0.1 decoder.py — docs/wire-facts/orders.md#open_order-5,
 * docs/wire-facts/orders.md#completed_order-101.
 *
 * OPEN_ORDER carries a version field (34, which opens every version-gated read) until v145;
 * COMPLETED_ORDER never does. Field names follow PLACE_ORDER where the field is the same. TWS
 * writes trailStopPrice twice in both; the second one is `trailStopPriceRepeat`. Fields gated
 * at 195 and above (order preview, submitter, imbalanceOnly in OPEN_ORDER) are not declared.
 */
import { bool, filler, int, list, message, optDouble, optInt, since, str, version, type Gate } from '../schema.ts';
import {
  MIN_SERVER_VER_AUTO_CANCEL_PARENT,
  MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE,
  MIN_SERVER_VER_BOND_ACCRUED_INTEREST,
  MIN_SERVER_VER_CASH_QTY,
  MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER,
  MIN_SERVER_VER_CUSTOMER_ACCOUNT,
  MIN_SERVER_VER_D_PEG_ORDERS,
  MIN_SERVER_VER_DURATION,
  MIN_SERVER_VER_INCLUDE_OVERNIGHT,
  MIN_SERVER_VER_ORDER_CONTAINER,
  MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS,
  MIN_SERVER_VER_POST_TO_ATS,
  MIN_SERVER_VER_PRICE_MGMT_ALGO,
  MIN_SERVER_VER_PROFESSIONAL_CUSTOMER,
  MIN_SERVER_VER_SOFT_DOLLAR_TIER,
  MIN_SERVER_VER_WHAT_IF_EXT_FIELDS,
} from '../server-versions.ts';
import { contractFieldsNoPrimary, deltaNeutralContractFields } from '../contract-fields.ts';
import {
  deltaNeutralOrderLegFields,
  faFields,
  hasAlgo,
  hasDeltaNeutralOrder,
  hasHedge,
  orderComboLegFields,
  orderComboLegPrices,
  orderTermFields,
  p2b,
  pegBenchAndConditionFields,
  scaleFields,
} from '../order-fields.ts';

const dn: Gate = { when: hasDeltaNeutralOrder };
const pegBestMid = since(MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS);

const comboFields = [
  str('comboLegsDescrip'),
  list('comboLegs', orderComboLegFields),
  list('orderComboLegs', orderComboLegPrices),
  list('smartComboRoutingParams', [str('tag'), str('value')]),
] as const;

/** Delta-neutral contract, algo: identical in both messages. */
const deltaNeutralContractAndAlgo = [
  ...deltaNeutralContractFields,
  str('algoStrategy'),
  list('algoParams', [str('tag'), str('value')], { when: hasAlgo }),
  bool('solicited'),
] as const;

const pegBestMidFields = [
  optInt('minTradeQty', pegBestMid),
  optInt('minCompeteSize', pegBestMid),
  /** A number, empty when unset, or `Infinity` for "up to mid": kept as text. */
  str('competeAgainstBestOffset', pegBestMid),
  optDouble('midOffsetAtWhole', pegBestMid),
  optDouble('midOffsetAtHalf', pegBestMid),
  str('customerAccount', since(MIN_SERVER_VER_CUSTOMER_ACCOUNT)),
  bool('professionalCustomer', since(MIN_SERVER_VER_PROFESSIONAL_CUSTOMER)),
] as const;

/** Good-till date, rule 80A, percent offset, settling firm and the short-sale fields. */
const orderRuleFields = [
  str('goodTillDate'),
  str('rule80A'),
  optDouble('percentOffset'),
  str('settlingFirm'),
  int('shortSaleSlot'),
  str('designatedLocation'),
  int('exemptCode'),
] as const;

/** Box-order, peg-to-stock/volatility range and display size. */
const boxAndDisplayFields = [
  optDouble('startingPrice'),
  optDouble('stockRefPrice'),
  optDouble('delta'),
  optDouble('stockRangeLower'),
  optDouble('stockRangeUpper'),
  optInt('displaySize'),
] as const;

const whatIfExt = since(MIN_SERVER_VER_WHAT_IF_EXT_FIELDS);

export const openOrderMessages = {
  OPEN_ORDER: message(5, 'OPEN_ORDER', [
    version(34, { before: MIN_SERVER_VER_ORDER_CONTAINER }),
    int('orderId'),
    ...contractFieldsNoPrimary,
    ...orderTermFields,
    int('clientId'),
    int('permId'),
    bool('outsideRth'),
    bool('hidden'),
    optDouble('discretionaryAmt'),
    str('goodAfterTime'),
    filler('sharesAllocation', ''),
    ...faFields,
    ...orderRuleFields,
    int('auctionStrategy'),
    ...boxAndDisplayFields,
    bool('blockOrder'),
    bool('sweepToFill'),
    bool('allOrNone'),
    optInt('minQty'),
    int('ocaType'),
    bool('eTradeOnly'),
    bool('firmQuoteOnly'),
    optDouble('nbboPriceCap'),
    int('parentId'),
    int('triggerMethod'),
    optDouble('volatility'),
    int('volatilityType'),
    str('deltaNeutralOrderType'),
    optDouble('deltaNeutralAuxPrice'),
    ...deltaNeutralOrderLegFields,
    int('continuousUpdate'),
    int('referencePriceType'),
    optDouble('trailStopPrice'),
    optDouble('trailingPercent'),
    optDouble('basisPoints'),
    optInt('basisPointsType'),
    ...comboFields,
    ...scaleFields,
    str('hedgeType'),
    str('hedgeParam', { when: hasHedge }),
    bool('optOutSmartRouting'),
    str('clearingAccount'),
    str('clearingIntent'),
    bool('notHeld'),
    ...deltaNeutralContractAndAlgo,

    // The order state: what-if margins (the "before" and "change" ones from v142) and commissions.
    bool('whatIf'),
    str('status'),
    str('initMarginBefore', whatIfExt),
    str('maintMarginBefore', whatIfExt),
    str('equityWithLoanBefore', whatIfExt),
    str('initMarginChange', whatIfExt),
    str('maintMarginChange', whatIfExt),
    str('equityWithLoanChange', whatIfExt),
    str('initMarginAfter'),
    str('maintMarginAfter'),
    str('equityWithLoanAfter'),
    optDouble('commission'),
    optDouble('minCommission'),
    optDouble('maxCommission'),
    str('commissionCurrency'),
    str('warningText'),

    bool('randomizeSize'),
    bool('randomizePrice'),
    ...pegBenchAndConditionFields,
    str('adjustedOrderType', p2b),
    optDouble('triggerPrice', p2b),
    optDouble('trailStopPriceRepeat', p2b),
    optDouble('lmtPriceOffset', p2b),
    optDouble('adjustedStopPrice', p2b),
    optDouble('adjustedStopLimitPrice', p2b),
    optDouble('adjustedTrailingAmount', p2b),
    int('adjustableTrailingUnit', p2b),
    str('softDollarTierName', since(MIN_SERVER_VER_SOFT_DOLLAR_TIER)),
    str('softDollarTierValue', since(MIN_SERVER_VER_SOFT_DOLLAR_TIER)),
    str('softDollarTierDisplayName', since(MIN_SERVER_VER_SOFT_DOLLAR_TIER)),
    optDouble('cashQty', since(MIN_SERVER_VER_CASH_QTY)),
    bool('dontUseAutoPriceForHedge', since(MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE)),
    bool('isOmsContainer', since(MIN_SERVER_VER_ORDER_CONTAINER)),
    bool('discretionaryUpToLimitPrice', since(MIN_SERVER_VER_D_PEG_ORDERS)),
    bool('usePriceMgmtAlgo', since(MIN_SERVER_VER_PRICE_MGMT_ALGO)),
    optInt('duration', since(MIN_SERVER_VER_DURATION)),
    optInt('postToAts', since(MIN_SERVER_VER_POST_TO_ATS)),
    bool('autoCancelParent', since(MIN_SERVER_VER_AUTO_CANCEL_PARENT)),
    ...pegBestMidFields,
    str('bondAccruedInterest', since(MIN_SERVER_VER_BOND_ACCRUED_INTEREST)),
    bool('includeOvernight', since(MIN_SERVER_VER_INCLUDE_OVERNIGHT)),
    str('extOperator', since(MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER)),
    optInt('manualOrderIndicator', since(MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER)),
  ]),

  /** A filled, cancelled or inactive order (REQ_COMPLETED_ORDERS): no orderId or clientId, no version field. */
  COMPLETED_ORDER: message(101, 'COMPLETED_ORDER', [
    ...contractFieldsNoPrimary,
    ...orderTermFields,
    int('permId'),
    bool('outsideRth'),
    bool('hidden'),
    optDouble('discretionaryAmt'),
    str('goodAfterTime'),
    ...faFields,
    ...orderRuleFields,
    ...boxAndDisplayFields,
    bool('sweepToFill'),
    bool('allOrNone'),
    optInt('minQty'),
    int('ocaType'),
    int('triggerMethod'),
    optDouble('volatility'),
    int('volatilityType'),
    str('deltaNeutralOrderType'),
    optDouble('deltaNeutralAuxPrice'),
    int('deltaNeutralConId', dn),
    bool('deltaNeutralShortSale', dn),
    int('deltaNeutralShortSaleSlot', dn),
    str('deltaNeutralDesignatedLocation', dn),
    int('continuousUpdate'),
    int('referencePriceType'),
    optDouble('trailStopPrice'),
    optDouble('trailingPercent'),
    ...comboFields,
    ...scaleFields,
    str('hedgeType'),
    str('hedgeParam', { when: hasHedge }),
    str('clearingAccount'),
    str('clearingIntent'),
    bool('notHeld'),
    ...deltaNeutralContractAndAlgo,
    str('status'),
    bool('randomizeSize'),
    bool('randomizePrice'),
    ...pegBenchAndConditionFields,
    optDouble('trailStopPriceRepeat'),
    optDouble('lmtPriceOffset'),
    optDouble('cashQty', since(MIN_SERVER_VER_CASH_QTY)),
    bool('dontUseAutoPriceForHedge', since(MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE)),
    bool('isOmsContainer', since(MIN_SERVER_VER_ORDER_CONTAINER)),
    str('autoCancelDate'),
    optDouble('filledQuantity'),
    int('refFuturesConId'),
    bool('autoCancelParent'),
    str('shareholder'),
    bool('imbalanceOnly'),
    bool('routeMarketableToBbo'),
    int('parentPermId'),
    str('completedTime'),
    str('completedStatus'),
    ...pegBestMidFields,
  ]),
} as const;
