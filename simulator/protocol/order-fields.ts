/**
 * Order field groups that PLACE_ORDER (client) and OPEN_ORDER / COMPLETED_ORDER (server) share,
 * and the order-type tests their conditional fields depend on. Facts:
 * docs/wire-facts/orders.md#order-conditions, docs/wire-facts/orders.md#conditional-order-fields.
 */
import { bool, double, int, list, optDouble, optInt, str, type Gate } from './schema.ts';
import { MIN_SERVER_VER_FA_PROFILE_DESUPPORT, MIN_SERVER_VER_MODELS_SUPPORT, MIN_SERVER_VER_PEGGED_TO_BENCHMARK } from './server-versions.ts';

type Msg = Record<string, unknown>;

/** PEG BENCH orders carry the five pegged-to-benchmark fields (official `Util.IsPegBenchOrder`). */
export const isPegBench = (m: Msg): boolean => m.orderType === 'PEG BENCH' || m.orderType === 'PEGBENCH';
/** PEG BEST orders carry minCompeteSize and competeAgainstBestOffset. */
export const isPegBest = (m: Msg): boolean => m.orderType === 'PEG BEST' || m.orderType === 'PEGBEST';
/** PEG MID orders carry the two mid offsets. */
export const isPegMid = (m: Msg): boolean => m.orderType === 'PEG MID' || m.orderType === 'PEGMID';

/**
 * competeAgainstBestOffset "up to mid" is +infinity: `Infinity` from the official client and
 * @stoqey/ib, `Infinite` from ib_async 2.0.1 (docs/wire-facts/orders.md#client-disagreements).
 */
export const isUpToMid = (m: Msg): boolean => ['Infinity', 'Infinite', 'inf'].includes(String(m.competeAgainstBestOffset));

/** The mid offsets follow for PEG MID orders, and for PEG BEST orders competing up to mid. */
export const sendsMidOffsets = (m: Msg): boolean => isPegMid(m) || (isPegBest(m) && isUpToMid(m));

/** The order has a delta-neutral order type, so its delta-neutral fields follow. */
export const hasDeltaNeutralOrder = (m: Msg): boolean => String(m.deltaNeutralOrderType ?? '') !== '';

/** A scale order (0 < scalePriceIncrement, set): the seven scale-adjustment fields follow. */
export const isScaleOrder = (m: Msg): boolean => typeof m.scalePriceIncrement === 'number' && m.scalePriceIncrement > 0;

export const hasHedge = (m: Msg): boolean => String(m.hedgeType ?? '') !== '';
export const hasAlgo = (m: Msg): boolean => String(m.algoStrategy ?? '') !== '';
export const hasConditions = (m: Msg): boolean => Array.isArray(m.conditions) && m.conditions.length > 0;

/** The eight fields of a combo leg in an order (PLACE_ORDER, OPEN_ORDER). */
export const orderComboLegFields = [
  int('conId'),
  int('ratio'),
  str('action'),
  str('exchange'),
  int('openClose'),
  int('shortSaleSlot'),
  str('designatedLocation'),
  int('exemptCode'),
] as const;

/** The price of each order combo leg, empty when unset. */
export const orderComboLegPrices = [optDouble('price')] as const;

const dn: Gate = { when: hasDeltaNeutralOrder };

/** The delta-neutral order leg: only when deltaNeutralOrderType is set (PLACE_ORDER, OPEN_ORDER). */
export const deltaNeutralOrderLegFields = [
  int('deltaNeutralConId', dn),
  str('deltaNeutralSettlingFirm', dn),
  str('deltaNeutralClearingAccount', dn),
  str('deltaNeutralClearingIntent', dn),
  str('deltaNeutralOpenClose', dn),
  bool('deltaNeutralShortSale', dn),
  int('deltaNeutralShortSaleSlot', dn),
  str('deltaNeutralDesignatedLocation', dn),
] as const;

const conditionType = (...types: number[]): Gate => ({ when: (c) => types.includes(c.conditionType as number) });

/**
 * One order condition: its type (1 price, 3 time, 4 margin, 5 execution, 6 volume, 7 percent
 * change), the conjunction with the next (`a` and, `o` or), then the type's own fields, in the
 * order official `OrderCondition.writeTo` / `readFrom` use. `value` is the threshold as text
 * (price, `yyyyMMdd HH:mm:ss` time, percent, volume). Unknown types carry only the first two.
 */
export const orderConditionFields = [
  int('conditionType'),
  str('conjunction'),
  str('secType', conditionType(5)),
  bool('isMore', conditionType(1, 3, 4, 6, 7)),
  str('value', conditionType(1, 3, 4, 6, 7)),
  int('conId', conditionType(1, 6, 7)),
  str('exchange', conditionType(1, 5, 6, 7)),
  str('symbol', conditionType(5)),
  int('triggerMethod', conditionType(1)),
] as const;

/** Fields on the wire from v102 (PEGGED_TO_BENCHMARK) on, in PLACE_ORDER and OPEN_ORDER alike. */
export const p2b: Gate = { since: MIN_SERVER_VER_PEGGED_TO_BENCHMARK };
const pegBench: Gate = { ...p2b, when: isPegBench };

/**
 * From v102 (PEGGED_TO_BENCHMARK): the five pegged-to-benchmark fields for PEG BENCH orders, then
 * `count, conditions…` and, only when there are any, conditionsIgnoreRth and conditionsCancelOrder.
 */
export const pegBenchAndConditionFields = [
  int('referenceContractId', pegBench),
  bool('isPeggedChangeAmountDecrease', pegBench),
  double('peggedChangeAmount', pegBench),
  double('referenceChangeAmount', pegBench),
  str('referenceExchangeId', pegBench),
  list('conditions', orderConditionFields, p2b),
  bool('conditionsIgnoreRth', { ...p2b, when: hasConditions }),
  bool('conditionsCancelOrder', { ...p2b, when: hasConditions }),
] as const;

/** The order's terms, as every order message starts them. totalQuantity is a Decimal. */
export const orderTermFields = [
  str('action'),
  double('totalQuantity'),
  str('orderType'),
  optDouble('lmtPrice'),
  optDouble('auxPrice'),
  str('tif'),
  str('ocaGroup'),
  str('account'),
  str('openClose'),
  int('origin'),
  str('orderRef'),
] as const;

/** Financial-advisor allocation (faProfile until v177) and the model code (from v103). */
export const faFields = [
  str('faGroup'),
  str('faMethod'),
  str('faPercentage'),
  str('faProfile', { before: MIN_SERVER_VER_FA_PROFILE_DESUPPORT }),
  str('modelCode', { since: MIN_SERVER_VER_MODELS_SUPPORT }),
] as const;

const scale: Gate = { when: isScaleOrder };

/** Scale orders; the adjustment fields only when scalePriceIncrement > 0. */
export const scaleFields = [
  optInt('scaleInitLevelSize'),
  optInt('scaleSubsLevelSize'),
  optDouble('scalePriceIncrement'),
  optDouble('scalePriceAdjustValue', scale),
  optInt('scalePriceAdjustInterval', scale),
  optDouble('scaleProfitOffset', scale),
  bool('scaleAutoReset', scale),
  optInt('scaleInitPosition', scale),
  optInt('scaleInitFillQty', scale),
  bool('scaleRandomPercent', scale),
] as const;
