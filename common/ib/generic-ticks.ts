/**
 * REQ_MKT_DATA's genericTickList: which ids TWS accepts for a stock, and the 321 it answers an
 * invalid list with. docs/wire-facts/market-data.md#generic-tick-lists
 */
import { IbError, type IbErrorBody } from './errors.ts';

/**
 * The ids (and their names) TWS lists as legal for STK, in its own order; `a/b` means `b` is an
 * older number of the same tick. Taken from a captured 321 (see the wire-facts anchor above).
 */
const LEGAL_STK =
  '100(Option Volume),101(Option Open Interest),105(Average Opt Volume),106(impvolat),165(Misc. Stats),221/220(Creditman Mark Price),' +
  '225(Auction),232/221(Pl Price),233(RTVolume),236(inventory),258/47(Fundamentals),293(TradeCount),294(TradeRate),' +
  '295(VolumeRate),318(LastRTHTrade),375(RTTrdVolume),411(rthistvol),456/59(IBDividends),460(Bond Factor Multiplier),' +
  '576(EtfNavBidAsk(navbidask)),577(EtfNavLast(navlast)),578(EtfNavClose(navclose)),586(IPOHLMPRC),587(Pl Price Delayed),' +
  '588(Futures Open Interest),595(Short-Term Volume X Mins),614(EtfNavMisc(high/low)),619(Creditman Slow Mark Price),' +
  '623(EtfFrozenNavLast(fznavlast))';

/** Every number the legal text names (the older aliases too). */
const LEGAL_IDS: ReadonlySet<number> = new Set([
  ...[...LEGAL_STK.matchAll(/(?:^|,)(\d+)(?:\/(\d+))?\(/g)].flatMap((m) => [Number(m[1]), ...(m[2] ? [Number(m[2])] : [])]),
]);

/**
 * Parse a genericTickList (`"233,236"`; blanks, empty items and the `mdoff` flag are ignored; a news
 * tick may carry `:providers`). Returns the ids, or the 321 TWS answers for a list with an id it
 * does not know — the whole request is refused then.
 */
export function parseGenericTicks(list: string, secType: string): { ok: true; ids: number[] } | { ok: false; error: IbErrorBody } {
  const ids: number[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (item === '' || item.toLowerCase() === 'mdoff') continue;
    const [idText, param] = item.split(':');
    const id = /^\+?\d+$/.test(idText!.trim()) ? Number(idText) : Number.NaN;
    if (!LEGAL_IDS.has(id) || param === '') return { ok: false, error: invalidGenericTicks(list, secType) };
    if (!ids.includes(id)) ids.push(id);
  }
  return { ok: true, ids };
}

/** The 321 of an invalid list (observed for STK; other types get the STK list, which is our choice). */
export function invalidGenericTicks(list: string, secType: string): IbErrorBody {
  const type = secType.trim().toUpperCase() || 'STK';
  return IbError.validation('bW', `Incorrect generic tick list of ${list}.  Legal ones for (${type}) are: ${LEGAL_STK}`);
}
