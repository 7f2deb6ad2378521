/**
 * Reference frames of OPEN_ORDER (5) and COMPLETED_ORDER (101) at every layout between server
 * versions 100 and 194: reference writers transcribed from official EDecoder.java
 * processOpenOrderMsg / processCompletedOrderMsg and EOrderDecoder.java (TWS API 10.34.02; read
 * 2026-11-30) — what a gateway must write so that the official reader reads each field where it
 * expects it. @stoqey/ib 1.6.10 reads them in the same order (decoder.js OrderDecoder) and must
 * decode the 178 and 193 frames without error (stoqey-frames.test.ts).
 */
import { FrameWriter, writtenFrame } from './frame-writer.ts';
import { limitOrder, comboOrder, pegBestOrder, writeConditions } from './place-order-frames.ts';
import { SOURCE, type ReferenceFrame } from './reference-frame.ts';

type Src = Readonly<Record<string, unknown>>;

const decoders = `${SOURCE.edecoder} and EOrderDecoder.java; ${SOURCE.stoqeyDecoder}`;

function contract(w: FrameWriter): void {
  w.n('conId').s('symbol').s('secType').s('lastTradeDateOrContractMonth').n('strike').s('right').s('multiplier');
  w.s('exchange').s('currency').s('localSymbol').s('tradingClass');
}

/** readVolOrderParams: the delta-neutral settling/clearing/openClose fields only for OPEN_ORDER. */
function volParams(w: FrameWriter, o: Src, openOrderAttribs: boolean): void {
  w.o('volatility').n('volatilityType').s('deltaNeutralOrderType').o('deltaNeutralAuxPrice');
  const dn = String(o.deltaNeutralOrderType ?? '') !== '';
  w.n('deltaNeutralConId', dn);
  if (openOrderAttribs) w.s('deltaNeutralSettlingFirm', dn).s('deltaNeutralClearingAccount', dn).s('deltaNeutralClearingIntent', dn);
  if (openOrderAttribs) w.s('deltaNeutralOpenClose', dn);
  w.b('deltaNeutralShortSale', dn).n('deltaNeutralShortSaleSlot', dn).s('deltaNeutralDesignatedLocation', dn);
  w.n('continuousUpdate').n('referencePriceType');
}

function comboLegs(w: FrameWriter): void {
  w.s('comboLegsDescrip');
  w.list('comboLegs', true, (leg) =>
    leg.n('conId').n('ratio').s('action').s('exchange').n('openClose').n('shortSaleSlot').s('designatedLocation').n('exemptCode'),
  );
  w.list('orderComboLegs', true, (leg) => leg.o('price'));
  w.list('smartComboRoutingParams', true, (p) => p.s('tag').s('value'));
}

function scaleParams(w: FrameWriter, o: Src): void {
  w.o('scaleInitLevelSize').o('scaleSubsLevelSize').o('scalePriceIncrement');
  const scale = typeof o.scalePriceIncrement === 'number' && o.scalePriceIncrement > 0;
  w.o('scalePriceAdjustValue', scale).o('scalePriceAdjustInterval', scale).o('scaleProfitOffset', scale).b('scaleAutoReset', scale);
  w.o('scaleInitPosition', scale).o('scaleInitFillQty', scale).b('scaleRandomPercent', scale);
}

function deltaNeutralContractAndAlgo(w: FrameWriter, o: Src): void {
  const dnc = Boolean(o.deltaNeutralContract);
  w.b('deltaNeutralContract').n('deltaNeutralContractConId', dnc).n('deltaNeutralContractDelta', dnc).n('deltaNeutralContractPrice', dnc);
  w.s('algoStrategy').list('algoParams', String(o.algoStrategy ?? '') !== '', (p) => p.s('tag').s('value'));
  w.b('solicited');
}

function pegBenchAndConditions(w: FrameWriter, o: Src, v: number): void {
  const pegBench = v >= 102 && (o.orderType === 'PEG BENCH' || o.orderType === 'PEGBENCH');
  w.n('referenceContractId', pegBench).b('isPeggedChangeAmountDecrease', pegBench).n('peggedChangeAmount', pegBench);
  w.n('referenceChangeAmount', pegBench).s('referenceExchangeId', pegBench);
  writeConditions(w, v >= 102);
}

function pegBestMidAndCustomer(w: FrameWriter, v: number): void {
  w.o('minTradeQty', v >= 170)
    .o('minCompeteSize', v >= 170)
    .s('competeAgainstBestOffset', v >= 170);
  w.o('midOffsetAtWhole', v >= 170).o('midOffsetAtHalf', v >= 170);
  w.s('customerAccount', v >= 183).b('professionalCustomer', v >= 184);
}

/** processOpenOrderMsg: version 34 until 145, then the server version stands in for it. */
export function openOrderFrame(v: number, o: Src): ReferenceFrame {
  const w = new FrameWriter(5, o);
  w.lit('34', v < 145);
  w.n('orderId');
  contract(w);
  w.s('action').n('totalQuantity').s('orderType').o('lmtPrice').o('auxPrice').s('tif').s('ocaGroup').s('account');
  w.s('openClose').n('origin').s('orderRef').n('clientId').n('permId').b('outsideRth').b('hidden').o('discretionaryAmt');
  w.s('goodAfterTime').lit(''); // skipSharesAllocation
  w.s('faGroup')
    .s('faMethod')
    .s('faPercentage')
    .s('faProfile', v < 177)
    .s('modelCode', v >= 103);
  w.s('goodTillDate').s('rule80A').o('percentOffset').s('settlingFirm').n('shortSaleSlot').s('designatedLocation').n('exemptCode');
  w.n('auctionStrategy').o('startingPrice').o('stockRefPrice').o('delta').o('stockRangeLower').o('stockRangeUpper').o('displaySize');
  w.b('blockOrder').b('sweepToFill').b('allOrNone').o('minQty').n('ocaType').b('eTradeOnly').b('firmQuoteOnly').o('nbboPriceCap');
  w.n('parentId').n('triggerMethod');
  volParams(w, o, true);
  w.o('trailStopPrice').o('trailingPercent').o('basisPoints').o('basisPointsType');
  comboLegs(w);
  scaleParams(w, o);
  w.s('hedgeType').s('hedgeParam', String(o.hedgeType ?? '') !== '');
  w.b('optOutSmartRouting').s('clearingAccount').s('clearingIntent').b('notHeld');
  deltaNeutralContractAndAlgo(w, o);
  w.b('whatIf').s('status');
  const ext = v >= 142;
  w.s('initMarginBefore', ext).s('maintMarginBefore', ext).s('equityWithLoanBefore', ext);
  w.s('initMarginChange', ext).s('maintMarginChange', ext).s('equityWithLoanChange', ext);
  w.s('initMarginAfter').s('maintMarginAfter').s('equityWithLoanAfter');
  w.o('commission').o('minCommission').o('maxCommission').s('commissionCurrency').s('warningText');
  w.b('randomizeSize').b('randomizePrice');
  pegBenchAndConditions(w, o, v);
  const adj = v >= 102;
  w.s('adjustedOrderType', adj).o('triggerPrice', adj).o('trailStopPriceRepeat', adj).o('lmtPriceOffset', adj);
  w.o('adjustedStopPrice', adj).o('adjustedStopLimitPrice', adj).o('adjustedTrailingAmount', adj).n('adjustableTrailingUnit', adj);
  w.s('softDollarTierName', v >= 106)
    .s('softDollarTierValue', v >= 106)
    .s('softDollarTierDisplayName', v >= 106);
  w.o('cashQty', v >= 111)
    .b('dontUseAutoPriceForHedge', v >= 141)
    .b('isOmsContainer', v >= 145);
  w.b('discretionaryUpToLimitPrice', v >= 148)
    .b('usePriceMgmtAlgo', v >= 151)
    .o('duration', v >= 158)
    .o('postToAts', v >= 160);
  w.b('autoCancelParent', v >= 162);
  pegBestMidAndCustomer(w, v);
  w.s('bondAccruedInterest', v >= 185).b('includeOvernight', v >= 189);
  w.s('extOperator', v >= 193).o('manualOrderIndicator', v >= 193);
  return writtenFrame('server', 'OPEN_ORDER', v, w, `${decoders} (processOpenOrderMsg)`);
}

/** processCompletedOrderMsg: no version field, every version-gated read open. */
export function completedOrderFrame(v: number, o: Src): ReferenceFrame {
  const w = new FrameWriter(101, o);
  contract(w);
  w.s('action').n('totalQuantity').s('orderType').o('lmtPrice').o('auxPrice').s('tif').s('ocaGroup').s('account');
  w.s('openClose').n('origin').s('orderRef').n('permId').b('outsideRth').b('hidden').o('discretionaryAmt').s('goodAfterTime');
  w.s('faGroup')
    .s('faMethod')
    .s('faPercentage')
    .s('faProfile', v < 177)
    .s('modelCode', v >= 103);
  w.s('goodTillDate').s('rule80A').o('percentOffset').s('settlingFirm').n('shortSaleSlot').s('designatedLocation').n('exemptCode');
  w.o('startingPrice').o('stockRefPrice').o('delta').o('stockRangeLower').o('stockRangeUpper').o('displaySize');
  w.b('sweepToFill').b('allOrNone').o('minQty').n('ocaType').n('triggerMethod');
  volParams(w, o, false);
  w.o('trailStopPrice').o('trailingPercent');
  comboLegs(w);
  scaleParams(w, o);
  w.s('hedgeType').s('hedgeParam', String(o.hedgeType ?? '') !== '');
  w.s('clearingAccount').s('clearingIntent').b('notHeld');
  deltaNeutralContractAndAlgo(w, o);
  w.s('status').b('randomizeSize').b('randomizePrice');
  pegBenchAndConditions(w, o, v);
  w.o('trailStopPriceRepeat').o('lmtPriceOffset');
  w.o('cashQty', v >= 111)
    .b('dontUseAutoPriceForHedge', v >= 141)
    .b('isOmsContainer', v >= 145);
  w.s('autoCancelDate').o('filledQuantity').n('refFuturesConId').b('autoCancelParent').s('shareholder').b('imbalanceOnly');
  w.b('routeMarketableToBbo').n('parentPermId').s('completedTime').s('completedStatus');
  pegBestMidAndCustomer(w, v);
  return writtenFrame('server', 'COMPLETED_ORDER', v, w, `${decoders} (processCompletedOrderMsg)`);
}

/** Order state and the fields only gateways write, added to the orders of place-order-frames.ts. */
const stateOf = (o: Src, status: string) => ({
  ...o,
  clientId: 7,
  permId: 1862295472,
  basisPoints: undefined,
  basisPointsType: undefined,
  comboLegsDescrip: '',
  whatIf: false,
  status,
  initMarginBefore: '',
  maintMarginBefore: '',
  equityWithLoanBefore: '',
  initMarginChange: '',
  maintMarginChange: '',
  equityWithLoanChange: '',
  initMarginAfter: '',
  maintMarginAfter: '',
  equityWithLoanAfter: '',
  commission: undefined,
  minCommission: undefined,
  maxCommission: undefined,
  commissionCurrency: '',
  warningText: '',
  trailStopPriceRepeat: o.trailStopPrice,
  softDollarTierDisplayName: '',
  usePriceMgmtAlgo: false,
  bondAccruedInterest: '',
  autoCancelDate: '',
  filledQuantity: 100,
  refFuturesConId: 0,
  shareholder: '',
  imbalanceOnly: false,
  routeMarketableToBbo: false,
  parentPermId: 0,
  completedTime: '20261110 15:59:58 America/New_York',
  completedStatus: 'Filled Size: 100',
  volatilityType: 0,
  referencePriceType: 0,
  auctionStrategy: 0,
});

/** A what-if answer: margins before/change/after and commissions filled in. */
const whatIfState = {
  ...stateOf(limitOrder, 'PreSubmitted'),
  whatIf: true,
  initMarginBefore: '1000.5',
  maintMarginBefore: '900.25',
  equityWithLoanBefore: '100000',
  initMarginChange: '3744.8',
  maintMarginChange: '3404.4',
  equityWithLoanChange: '-1.01',
  initMarginAfter: '4745.3',
  maintMarginAfter: '4304.65',
  equityWithLoanAfter: '99998.99',
  commission: 1.01,
  minCommission: 1,
  maxCommission: 1.5,
  commissionCurrency: 'USD',
  warningText: 'Order would be accepted',
};

export const OPEN_ORDER_VERSIONS = [100, 102, 103, 106, 111, 141, 142, 145, 148, 151, 158, 160, 162, 170, 177, 178, 183, 184, 185, 189, 193];
export const COMPLETED_ORDER_VERSIONS = [100, 102, 103, 111, 141, 145, 170, 177, 178, 183, 184, 193];

export const openOrderFrames: ReferenceFrame[] = [
  ...OPEN_ORDER_VERSIONS.map((v) => openOrderFrame(v, stateOf(limitOrder, 'Submitted'))),
  ...[178, 193].flatMap((v) => [
    openOrderFrame(v, stateOf(comboOrder, 'PreSubmitted')),
    openOrderFrame(v, stateOf(pegBestOrder, 'Submitted')),
    openOrderFrame(v, whatIfState),
  ]),
  ...COMPLETED_ORDER_VERSIONS.map((v) => completedOrderFrame(v, stateOf(limitOrder, 'Filled'))),
  ...[178, 193].flatMap((v) => [completedOrderFrame(v, stateOf(comboOrder, 'Cancelled'))]),
];
