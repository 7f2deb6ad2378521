/**
 * Reference frames of PLACE_ORDER (3) at every layout between server versions 100 and 194: a
 * reference writer transcribed statement by statement from official EClient.java placeOrder
 * (TWS API 10.34.02; read 2026-11-30), bare version numbers as in its `if` tests, plus the orders
 * it writes. @stoqey/ib 1.6.10 must write the same bytes at 178 and 193 (stoqey-frames.test.ts).
 */
import { FrameWriter, writtenFrame } from './frame-writer.ts';
import { SOURCE, type ReferenceFrame } from './reference-frame.ts';

type Order = Readonly<Record<string, unknown>>;

/** EClient.placeOrder, for server versions >= 100 (every test below 100 is true there). */
export function placeOrderFrame(v: number, o: Order, source = `${SOURCE.eclient} placeOrder`): ReferenceFrame {
  const w = new FrameWriter(3, o);
  w.lit('45', v < 145); // VERSION, dropped at ORDER_CONTAINER
  w.n('orderId');
  w.n('conId').s('symbol').s('secType').s('lastTradeDateOrContractMonth').n('strike').s('right').s('multiplier');
  w.s('exchange').s('primaryExchange').s('currency').s('localSymbol').s('tradingClass');
  w.s('secIdType').s('secId');
  w.s('action').n('totalQuantity').s('orderType').o('lmtPrice').o('auxPrice');
  w.s('tif').s('ocaGroup').s('account').s('openClose').n('origin').s('orderRef').b('transmit');
  w.n('parentId').b('blockOrder').b('sweepToFill').n('displaySize').n('triggerMethod').b('outsideRth').b('hidden');
  const bag = String(o.secType).toUpperCase() === 'BAG';
  w.list('comboLegs', bag, (leg) =>
    leg.n('conId').n('ratio').s('action').s('exchange').n('openClose').n('shortSaleSlot').s('designatedLocation').n('exemptCode'),
  );
  w.list('orderComboLegs', bag, (leg) => leg.o('price'));
  w.list('smartComboRoutingParams', bag, (p) => p.s('tag').s('value'));
  w.lit(''); // deprecated sharesAllocation
  w.o('discretionaryAmt').s('goodAfterTime').s('goodTillDate');
  w.s('faGroup')
    .s('faMethod')
    .s('faPercentage')
    .s('faProfile', v < 177);
  w.s('modelCode', v >= 103);
  w.n('shortSaleSlot').s('designatedLocation').n('exemptCode');
  w.n('ocaType').s('rule80A').s('settlingFirm').b('allOrNone').o('minQty').o('percentOffset');
  w.b('eTradeOnly').b('firmQuoteOnly').o('nbboPriceCap');
  w.o('auctionStrategy').o('startingPrice').o('stockRefPrice').o('delta').o('stockRangeLower').o('stockRangeUpper');
  w.b('overridePercentageConstraints');
  w.o('volatility').o('volatilityType').s('deltaNeutralOrderType').o('deltaNeutralAuxPrice');
  const dn = String(o.deltaNeutralOrderType ?? '') !== '';
  w.n('deltaNeutralConId', dn).s('deltaNeutralSettlingFirm', dn).s('deltaNeutralClearingAccount', dn).s('deltaNeutralClearingIntent', dn);
  w.s('deltaNeutralOpenClose', dn).b('deltaNeutralShortSale', dn).n('deltaNeutralShortSaleSlot', dn).s('deltaNeutralDesignatedLocation', dn);
  w.n('continuousUpdate').o('referencePriceType');
  w.o('trailStopPrice').o('trailingPercent');
  w.o('scaleInitLevelSize').o('scaleSubsLevelSize').o('scalePriceIncrement');
  const scale = typeof o.scalePriceIncrement === 'number' && o.scalePriceIncrement > 0;
  w.o('scalePriceAdjustValue', scale).o('scalePriceAdjustInterval', scale).o('scaleProfitOffset', scale).b('scaleAutoReset', scale);
  w.o('scaleInitPosition', scale).o('scaleInitFillQty', scale).b('scaleRandomPercent', scale);
  w.s('scaleTable').s('activeStartTime').s('activeStopTime');
  w.s('hedgeType').s('hedgeParam', String(o.hedgeType ?? '') !== '');
  w.b('optOutSmartRouting').s('clearingAccount').s('clearingIntent').b('notHeld');
  const dnc = Boolean(o.deltaNeutralContract);
  w.b('deltaNeutralContract').n('deltaNeutralContractConId', dnc).n('deltaNeutralContractDelta', dnc).n('deltaNeutralContractPrice', dnc);
  w.s('algoStrategy').list('algoParams', String(o.algoStrategy ?? '') !== '', (p) => p.s('tag').s('value'));
  w.s('algoId').b('whatIf').s('orderMiscOptions').b('solicited').b('randomizeSize').b('randomizePrice');
  if (v >= 102) {
    const pegBench = o.orderType === 'PEG BENCH' || o.orderType === 'PEGBENCH';
    w.n('referenceContractId', pegBench).b('isPeggedChangeAmountDecrease', pegBench).n('peggedChangeAmount', pegBench);
    w.n('referenceChangeAmount', pegBench).s('referenceExchangeId', pegBench);
    writeConditions(w, true);
    w.s('adjustedOrderType').o('triggerPrice').o('lmtPriceOffset').o('adjustedStopPrice').o('adjustedStopLimitPrice');
    w.o('adjustedTrailingAmount').n('adjustableTrailingUnit');
  } else {
    w.n('referenceContractId', false).b('isPeggedChangeAmountDecrease', false).n('peggedChangeAmount', false);
    w.n('referenceChangeAmount', false).s('referenceExchangeId', false);
    writeConditions(w, false);
    w.s('adjustedOrderType', false).o('triggerPrice', false).o('lmtPriceOffset', false).o('adjustedStopPrice', false);
    w.o('adjustedStopLimitPrice', false).o('adjustedTrailingAmount', false).n('adjustableTrailingUnit', false);
  }
  w.s('extOperator', v >= 105);
  w.s('softDollarTierName', v >= 106).s('softDollarTierValue', v >= 106);
  w.o('cashQty', v >= 111);
  w.s('mifid2DecisionMaker', v >= 138).s('mifid2DecisionAlgo', v >= 138);
  w.s('mifid2ExecutionTrader', v >= 139).s('mifid2ExecutionAlgo', v >= 139);
  w.b('dontUseAutoPriceForHedge', v >= 141);
  w.b('isOmsContainer', v >= 145);
  w.b('discretionaryUpToLimitPrice', v >= 148);
  w.o('usePriceMgmtAlgo', v >= 151);
  w.o('duration', v >= 158);
  w.o('postToAts', v >= 160);
  w.b('autoCancelParent', v >= 162);
  w.s('advancedErrorOverride', v >= 166);
  w.s('manualOrderTime', v >= 169);
  const pegBest = v >= 170 && (o.orderType === 'PEG BEST' || o.orderType === 'PEGBEST');
  const pegMid = v >= 170 && (o.orderType === 'PEG MID' || o.orderType === 'PEGMID');
  const upToMid = pegBest && o.competeAgainstBestOffset === 'Infinity';
  w.o('minTradeQty', v >= 170 && o.exchange === 'IBKRATS');
  w.o('minCompeteSize', pegBest).s('competeAgainstBestOffset', pegBest);
  w.o('midOffsetAtWhole', pegMid || upToMid).o('midOffsetAtHalf', pegMid || upToMid);
  w.s('customerAccount', v >= 183);
  w.b('professionalCustomer', v >= 184);
  w.lit('', v >= 187 && v < 190).lit('2147483647', v >= 187 && v < 190); // the RFQ slots of 187..189
  w.b('includeOvernight', v >= 189);
  w.o('manualOrderIndicator', v >= 192);
  return writtenFrame('client', 'PLACE_ORDER', v, w, source);
}

/** Count, then per condition its type, conjunction and the type's fields (OrderCondition.writeTo). */
export function writeConditions(w: FrameWriter, on: boolean): void {
  w.list('conditions', on, (c) => {
    const type = c.get('conditionType') as number;
    c.n('conditionType').s('conjunction');
    c.s('secType', type === 5);
    c.b('isMore', type !== 5).s('value', type !== 5);
    c.n('conId', type === 1 || type === 6 || type === 7);
    c.s('exchange', type !== 3 && type !== 4);
    c.s('symbol', type === 5);
    c.n('triggerMethod', type === 1);
  });
  const any = on && ((w.get('conditions') as unknown[] | undefined)?.length ?? 0) > 0;
  w.b('conditionsIgnoreRth', any).b('conditionsCancelOrder', any);
}

/** Every server version at which EClient.placeOrder changes between 100 and 194 (and 178, 193). */
export const PLACE_ORDER_VERSIONS = [
  100, 101, 102, 103, 105, 106, 111, 138, 139, 141, 145, 148, 151, 158, 160, 162, 166, 169, 170, 177, 178, 183, 184, 187, 189, 190, 192, 193,
];

/** A GTC limit order to buy 100 AAPL: every plain field set, no conditional block. */
export const limitOrder: Order = {
  orderId: 301,
  conId: 265598,
  symbol: 'AAPL',
  secType: 'STK',
  lastTradeDateOrContractMonth: '',
  strike: 0,
  right: '',
  multiplier: '',
  exchange: 'SMART',
  primaryExchange: 'NASDAQ',
  currency: 'USD',
  localSymbol: 'AAPL',
  tradingClass: 'NMS',
  secIdType: '',
  secId: '',
  action: 'BUY',
  totalQuantity: 100,
  orderType: 'LMT',
  lmtPrice: 187.25,
  auxPrice: undefined,
  tif: 'GTC',
  ocaGroup: 'oca-7',
  account: 'DU0118471',
  openClose: 'O',
  origin: 0,
  orderRef: 'ref-301',
  transmit: true,
  parentId: 0,
  blockOrder: false,
  sweepToFill: false,
  displaySize: 0,
  triggerMethod: 0,
  outsideRth: true,
  hidden: false,
  comboLegs: [],
  orderComboLegs: [],
  smartComboRoutingParams: [],
  discretionaryAmt: undefined,
  goodAfterTime: '20261110 09:30:00 US/Eastern',
  goodTillDate: '',
  faGroup: '',
  faMethod: '',
  faPercentage: '',
  faProfile: '',
  modelCode: '',
  shortSaleSlot: 0,
  designatedLocation: '',
  exemptCode: -1,
  ocaType: 3,
  rule80A: '',
  settlingFirm: '',
  allOrNone: false,
  minQty: undefined,
  percentOffset: undefined,
  eTradeOnly: false,
  firmQuoteOnly: false,
  nbboPriceCap: undefined,
  auctionStrategy: undefined,
  startingPrice: undefined,
  stockRefPrice: undefined,
  delta: undefined,
  stockRangeLower: undefined,
  stockRangeUpper: undefined,
  overridePercentageConstraints: false,
  volatility: undefined,
  volatilityType: undefined,
  deltaNeutralOrderType: '',
  deltaNeutralAuxPrice: undefined,
  deltaNeutralConId: 0,
  deltaNeutralSettlingFirm: '',
  deltaNeutralClearingAccount: '',
  deltaNeutralClearingIntent: '',
  deltaNeutralOpenClose: '',
  deltaNeutralShortSale: false,
  deltaNeutralShortSaleSlot: 0,
  deltaNeutralDesignatedLocation: '',
  continuousUpdate: 0,
  referencePriceType: undefined,
  trailStopPrice: undefined,
  trailingPercent: undefined,
  scaleInitLevelSize: undefined,
  scaleSubsLevelSize: undefined,
  scalePriceIncrement: undefined,
  scalePriceAdjustValue: undefined,
  scalePriceAdjustInterval: undefined,
  scaleProfitOffset: undefined,
  scaleAutoReset: false,
  scaleInitPosition: undefined,
  scaleInitFillQty: undefined,
  scaleRandomPercent: false,
  scaleTable: '',
  activeStartTime: '',
  activeStopTime: '',
  hedgeType: '',
  hedgeParam: '',
  optOutSmartRouting: false,
  clearingAccount: '',
  clearingIntent: '',
  notHeld: false,
  deltaNeutralContract: false,
  deltaNeutralContractConId: 0,
  deltaNeutralContractDelta: 0,
  deltaNeutralContractPrice: 0,
  algoStrategy: '',
  algoParams: [],
  algoId: '',
  whatIf: false,
  orderMiscOptions: '',
  solicited: false,
  randomizeSize: false,
  randomizePrice: false,
  referenceContractId: 0,
  isPeggedChangeAmountDecrease: false,
  peggedChangeAmount: 0,
  referenceChangeAmount: 0,
  referenceExchangeId: '',
  conditions: [],
  conditionsIgnoreRth: false,
  conditionsCancelOrder: false,
  adjustedOrderType: '',
  triggerPrice: undefined,
  lmtPriceOffset: undefined,
  adjustedStopPrice: undefined,
  adjustedStopLimitPrice: undefined,
  adjustedTrailingAmount: undefined,
  adjustableTrailingUnit: 0,
  extOperator: '',
  softDollarTierName: '',
  softDollarTierValue: '',
  cashQty: undefined,
  mifid2DecisionMaker: '',
  mifid2DecisionAlgo: '',
  mifid2ExecutionTrader: '',
  mifid2ExecutionAlgo: '',
  dontUseAutoPriceForHedge: true,
  isOmsContainer: false,
  discretionaryUpToLimitPrice: false,
  usePriceMgmtAlgo: undefined,
  duration: undefined,
  postToAts: undefined,
  autoCancelParent: false,
  advancedErrorOverride: '',
  manualOrderTime: '',
  minTradeQty: undefined,
  minCompeteSize: undefined,
  competeAgainstBestOffset: '',
  midOffsetAtWhole: undefined,
  midOffsetAtHalf: undefined,
  customerAccount: '',
  professionalCustomer: false,
  includeOvernight: false,
  manualOrderIndicator: 1,
};

/**
 * A combo (BAG) with every conditional block of placeOrder open: legs, leg prices, routing
 * parameters, a delta-neutral order leg, scale fields, a hedge, a delta-neutral contract, algo
 * parameters, PEG BENCH fields and one condition of each type.
 */
export const comboOrder: Order = {
  ...limitOrder,
  orderId: 302,
  conId: 28812380,
  symbol: 'SPY',
  secType: 'BAG',
  localSymbol: '',
  tradingClass: '',
  primaryExchange: '',
  orderType: 'PEG BENCH',
  lmtPrice: 1.5,
  auxPrice: 0.25,
  totalQuantity: 2,
  comboLegs: [
    { conId: 756733, ratio: 1, action: 'BUY', exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
    { conId: 756734, ratio: 2, action: 'SELL', exchange: 'ARCA', openClose: 1, shortSaleSlot: 2, designatedLocation: 'LOC', exemptCode: 3 },
  ],
  orderComboLegs: [{ price: 1.25 }, { price: undefined }],
  smartComboRoutingParams: [{ tag: 'NonGuaranteed', value: '1' }],
  deltaNeutralOrderType: 'LMT',
  deltaNeutralAuxPrice: 0.5,
  deltaNeutralConId: 4391,
  deltaNeutralSettlingFirm: 'FIRM',
  deltaNeutralClearingAccount: 'CLR1',
  deltaNeutralClearingIntent: 'IB',
  deltaNeutralOpenClose: 'O',
  deltaNeutralShortSale: true,
  deltaNeutralShortSaleSlot: 1,
  deltaNeutralDesignatedLocation: 'DLOC',
  scaleInitLevelSize: 10,
  scaleSubsLevelSize: 5,
  scalePriceIncrement: 0.05,
  scalePriceAdjustValue: 0.01,
  scalePriceAdjustInterval: 60,
  scaleProfitOffset: 0.2,
  scaleAutoReset: true,
  scaleInitPosition: 3,
  scaleInitFillQty: 4,
  scaleRandomPercent: true,
  hedgeType: 'D',
  hedgeParam: '0.5',
  deltaNeutralContract: true,
  deltaNeutralContractConId: 756735,
  deltaNeutralContractDelta: 0.45,
  deltaNeutralContractPrice: 101.5,
  algoStrategy: 'Adaptive',
  algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
  referenceContractId: 12087792,
  isPeggedChangeAmountDecrease: true,
  peggedChangeAmount: 0.1,
  referenceChangeAmount: 0.2,
  referenceExchangeId: 'IDEALPRO',
  conditions: [
    { conditionType: 1, conjunction: 'a', isMore: true, value: '190.5', conId: 265598, exchange: 'SMART', triggerMethod: 2 },
    { conditionType: 3, conjunction: 'o', isMore: false, value: '20261110 15:00:00 US/Eastern' },
    { conditionType: 4, conjunction: 'a', isMore: true, value: '30' },
    { conditionType: 5, conjunction: 'a', secType: 'STK', exchange: 'SMART', symbol: 'MSFT' },
    { conditionType: 6, conjunction: 'a', isMore: true, value: '100000', conId: 272093, exchange: 'ISLAND' },
    { conditionType: 7, conjunction: 'o', isMore: false, value: '2.5', conId: 76792991, exchange: 'SMART' },
  ],
  conditionsIgnoreRth: true,
  conditionsCancelOrder: true,
  adjustedOrderType: 'STP',
  triggerPrice: 180,
  lmtPriceOffset: 0.3,
  adjustedStopPrice: 179.5,
  adjustedStopLimitPrice: 179,
  adjustedTrailingAmount: 1.5,
  adjustableTrailingUnit: 1,
};

/** PEG BEST on IBKRATS competing up to mid: minTradeQty, minCompeteSize, the offset and both mid offsets. */
export const pegBestOrder: Order = {
  ...limitOrder,
  orderId: 303,
  exchange: 'IBKRATS',
  orderType: 'PEG BEST',
  minTradeQty: 50,
  minCompeteSize: 20,
  competeAgainstBestOffset: 'Infinity',
  midOffsetAtWhole: 0.01,
  midOffsetAtHalf: 0.005,
};

/** PEG MID: only the two mid offsets. */
export const pegMidOrder: Order = {
  ...limitOrder,
  orderId: 304,
  orderType: 'PEG MID',
  midOffsetAtWhole: 0.02,
  midOffsetAtHalf: 0.015,
};

export const placeOrderFrames: ReferenceFrame[] = [
  ...PLACE_ORDER_VERSIONS.map((v) => placeOrderFrame(v, limitOrder)),
  ...[178, 193].flatMap((v) => [comboOrder, pegBestOrder, pegMidOrder].map((o) => placeOrderFrame(v, o))),
];
