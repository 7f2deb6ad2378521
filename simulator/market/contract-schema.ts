/**
 * Validation of contract-universe data files (format documented in ./README.md). Every error names
 * the source, the place in the file (instrument index and symbol, profile or schedule name) and the
 * field, because these files are written by hand and a vague "invalid data" is useless.
 */
import type { Instrument } from './instrument.ts';
import { EXCHANGE_CALENDARS, exchangeCalendar } from '../../common/ib/calendars/index.ts';
import { checkSessionOrder, parseSessionRange, type Schedule, type SessionSpec } from './trading-hours.ts';
import { isValidTimeZone, parseYmd, zoneOffsetMs } from './time.ts';

export class ContractDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractDataError';
  }
}

/** Raw instrument fields as written in a file (before profile defaults are applied). */
export type RawFields = Readonly<Record<string, unknown>>;

export interface UniverseData {
  schedules: ReadonlyMap<string, Schedule>;
  profiles: ReadonlyMap<string, RawFields>;
  instruments: Instrument[];
}

/** conIds the simulator may invent; real IB conIds stay below this range. */
export const SYNTHETIC_CONID_MIN = 900_000_001;
export const SYNTHETIC_CONID_MAX = 999_999_999;

const WEEKDAYS: Record<string, number> = { MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6, SUN: 7 };

type Where = string;
const fail = (where: Where, msg: string): never => {
  throw new ContractDataError(`${where}: ${msg}`);
};
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(where: Where, v: unknown, nonEmpty = false): string {
  if (typeof v !== 'string' || (nonEmpty && v.trim() === '')) fail(where, `must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${show(v)}`);
  return v as string;
}
function strList(where: Where, v: unknown, nonEmpty = false): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '') || (nonEmpty && v.length === 0)) {
    fail(where, `must be a ${nonEmpty ? 'non-empty ' : ''}list of non-empty strings, got ${show(v)}`);
  }
  return v as string[];
}
function num(where: Where, v: unknown, test: (n: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !test(v)) fail(where, `must be ${what}, got ${show(v)}`);
  return v as number;
}
/** Size fields go on the wire as decimal text; accept numbers or numeric strings. */
function decimalText(where: Where, v: unknown): string {
  const text = typeof v === 'number' && Number.isFinite(v) && v > 0 ? String(v) : v;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0)
    fail(where, `must be a positive decimal (number or text such as "0.0001"), got ${show(v)}`);
  return text as string;
}
const upper = (list: string[]) => list.map((s) => s.toUpperCase());

/** Instrument fields a file (or a profile) may set; anything else is reported as a typo. */
const KNOWN_FIELDS = new Set([
  'profile',
  'conId',
  'synthetic',
  'symbol',
  'secType',
  'currency',
  'primaryExchange',
  'listingExchanges',
  'validExchanges',
  'orderTypes',
  'marketName',
  'tradingClass',
  'localSymbol',
  'minTick',
  'longName',
  'industry',
  'category',
  'subcategory',
  'timeZoneId',
  'schedule',
  'secIds',
  'stockType',
  'minSize',
  'sizeIncrement',
  'suggestedSizeIncrement',
  'marketRuleIds',
  'aggGroup',
  'priceMagnifier',
  'derivativeSecTypes',
  'basePrice',
  'dailyVolatility',
  'avgDailyVolume',
]);

function checkKeys(where: Where, obj: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const key of Object.keys(obj)) {
    if (!key.startsWith('$') && !known.has(key)) fail(where, `unknown field '${key}' (fields starting with '$' are comments)`);
  }
}

function parseSchedule(where: Where, raw: unknown): Schedule {
  if (!isRecord(raw)) return fail(where, `must be an object, got ${show(raw)}`);
  checkKeys(where, raw, new Set(['tradingDays', 'liquidHours', 'tradingHours', 'holidays', 'calendar', 'opensPreviousDay']));
  const days = new Set(
    strList(`${where}.tradingDays`, raw.tradingDays, true).map(
      (d) => WEEKDAYS[d.toUpperCase()] ?? fail(`${where}.tradingDays`, `unknown weekday ${show(d)} (use MON..SUN)`),
    ),
  );
  const opensPreviousDay = raw.opensPreviousDay ?? false;
  if (typeof opensPreviousDay !== 'boolean') fail(`${where}.opensPreviousDay`, `must be true or false, got ${show(raw.opensPreviousDay)}`);
  const ranges = (field: 'liquidHours' | 'tradingHours') => {
    const where2 = `${where}.${field}`;
    const specs = strList(where2, raw[field], true).map((t): SessionSpec => {
      let spec: SessionSpec;
      try {
        spec = parseSessionRange(t);
      } catch (e) {
        return fail(where2, (e as Error).message);
      }
      // With opensPreviousDay a session running past midnight belongs to the date it ends on.
      return opensPreviousDay && spec.end > 1440 ? { start: spec.start - 1440, end: spec.end - 1440 } : spec;
    });
    try {
      checkSessionOrder(specs);
    } catch (e) {
      fail(where2, (e as Error).message);
    }
    return specs;
  };
  const liquid = ranges('liquidHours');
  const trading = raw.tradingHours === undefined ? liquid : ranges('tradingHours');
  const holidays = strList(`${where}.holidays`, raw.holidays ?? []);
  for (const h of holidays) if (parseYmd(h) === undefined) fail(`${where}.holidays`, `${show(h)} is not a yyyyMMdd date`);
  if (raw.calendar === undefined) return { days, liquid, trading, holidays: new Set(holidays) };
  const name = str(`${where}.calendar`, raw.calendar, true);
  const calendar =
    exchangeCalendar(name) ?? fail(`${where}.calendar`, `no exchange calendar named ${show(name)} (known: ${[...EXCHANGE_CALENDARS.keys()].join(', ')})`);
  return { days, liquid, trading, holidays: new Set(holidays), calendar };
}

/** Sample instants (both DST seasons, two eras) at which a calendar's zone and an instrument's must agree. */
const ZONE_PROBES = [Date.UTC(2001, 0, 15), Date.UTC(2001, 6, 15), Date.UTC(2026, 2, 20), Date.UTC(2026, 9, 30)];
const sameZone = (a: string, b: string) => ZONE_PROBES.every((ms) => zoneOffsetMs(ms, a) === zoneOffsetMs(ms, b));

function parseInstrument(where: Where, f: RawFields, schedules: ReadonlyMap<string, Schedule>): Instrument {
  const at = (field: string) => `${where}: field '${field}'`;
  const conId = num(at('conId'), f.conId, (n) => Number.isSafeInteger(n) && n > 0, 'a positive integer');
  const synthetic = f.synthetic ?? false;
  if (typeof synthetic !== 'boolean') return fail(at('synthetic'), `must be true or false, got ${show(f.synthetic)}`);
  if (synthetic && (conId < SYNTHETIC_CONID_MIN || conId > SYNTHETIC_CONID_MAX)) {
    fail(at('conId'), `synthetic conIds must lie in ${SYNTHETIC_CONID_MIN}..${SYNTHETIC_CONID_MAX}, got ${conId}`);
  }
  const symbol = str(at('symbol'), f.symbol, true);
  const validExchanges = upper(strList(at('validExchanges'), f.validExchanges, true));
  // Without an explicit list every non-SMART destination counts as a listing, as TWS answers for US stocks.
  const listingExchanges =
    f.listingExchanges === undefined ? validExchanges.filter((e) => e !== 'SMART') : upper(strList(at('listingExchanges'), f.listingExchanges, true));
  const timeZoneId = str(at('timeZoneId'), f.timeZoneId, true);
  if (!isValidTimeZone(timeZoneId)) fail(at('timeZoneId'), `${show(timeZoneId)} is not a time zone id known to Intl (e.g. US/Eastern, MET, GB-Eire)`);
  const scheduleName = str(at('schedule'), f.schedule, true);
  const schedule =
    schedules.get(scheduleName) ?? fail(at('schedule'), `no schedule named ${show(scheduleName)} (known: ${[...schedules.keys()].join(', ') || 'none'})`);
  if (schedule.calendar && !sameZone(schedule.calendar.timeZoneId, timeZoneId)) {
    fail(
      at('timeZoneId'),
      `${show(timeZoneId)} is not the zone of schedule ${show(scheduleName)}'s calendar ${schedule.calendar.name} (${schedule.calendar.timeZoneId}), whose closing times would be read in the wrong zone`,
    );
  }
  const secIdsRaw = f.secIds ?? {};
  if (!isRecord(secIdsRaw) || Object.values(secIdsRaw).some((v) => typeof v !== 'string' || v === '')) {
    fail(at('secIds'), `must map id types to non-empty strings, e.g. {"ISIN": "US0378331005"}, got ${show(secIdsRaw)}`);
  }
  const secIds = Object.fromEntries(
    Object.entries(secIdsRaw as Record<string, string>)
      .filter(([k]) => !k.startsWith('$'))
      .map(([k, v]) => [k.toUpperCase(), v]),
  );
  const rules = f.marketRuleIds === undefined ? [] : typeof f.marketRuleIds === 'number' ? validExchanges.map(() => f.marketRuleIds) : f.marketRuleIds;
  if (
    !Array.isArray(rules) ||
    rules.some((r) => !Number.isSafeInteger(r) || (r as number) < 0) ||
    (rules.length !== 0 && rules.length !== validExchanges.length)
  ) {
    fail(
      at('marketRuleIds'),
      `must be one non-negative integer (used for every valid exchange) or a list with one per valid exchange (${validExchanges.length}), got ${show(f.marketRuleIds)}`,
    );
  }
  const optStr = (field: string, dflt: string) => (f[field] === undefined ? dflt : str(at(field), f[field]));
  const optInt = (field: string, dflt: number) =>
    f[field] === undefined ? dflt : num(at(field), f[field], (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer');
  return {
    conId,
    synthetic,
    symbol,
    secType: str(at('secType'), f.secType, true).toUpperCase(),
    currency: str(at('currency'), f.currency, true).toUpperCase(),
    primaryExchange: str(at('primaryExchange'), f.primaryExchange, true).toUpperCase(),
    listingExchanges,
    validExchanges,
    orderTypes: strList(at('orderTypes'), f.orderTypes, true),
    marketName: optStr('marketName', symbol),
    tradingClass: optStr('tradingClass', symbol),
    localSymbol: optStr('localSymbol', symbol),
    minTick: num(at('minTick'), f.minTick, (n) => n > 0, 'a positive number'),
    longName: str(at('longName'), f.longName, true),
    industry: optStr('industry', ''),
    category: optStr('category', ''),
    subcategory: optStr('subcategory', ''),
    timeZoneId,
    scheduleName,
    schedule,
    secIds,
    stockType: optStr('stockType', 'COMMON'),
    minSize: f.minSize === undefined ? '1' : decimalText(at('minSize'), f.minSize),
    sizeIncrement: f.sizeIncrement === undefined ? '1' : decimalText(at('sizeIncrement'), f.sizeIncrement),
    suggestedSizeIncrement: f.suggestedSizeIncrement === undefined ? '1' : decimalText(at('suggestedSizeIncrement'), f.suggestedSizeIncrement),
    marketRuleIds: rules as number[],
    aggGroup: optInt('aggGroup', 1),
    priceMagnifier: optInt('priceMagnifier', 1),
    derivativeSecTypes: f.derivativeSecTypes === undefined ? [] : upper(strList(at('derivativeSecTypes'), f.derivativeSecTypes)),
    basePrice: num(at('basePrice'), f.basePrice, (n) => n > 0, 'a positive number'),
    dailyVolatility: f.dailyVolatility === undefined ? 0.02 : num(at('dailyVolatility'), f.dailyVolatility, (n) => n > 0 && n <= 0.5, 'a number in (0, 0.5]'),
    avgDailyVolume: f.avgDailyVolume === undefined ? 1_000_000 : num(at('avgDailyVolume'), f.avgDailyVolume, (n) => n >= 1, 'a number >= 1'),
  };
}

/** Apply the chain of profiles an object names (a profile may itself name a profile). */
function withProfiles(where: Where, fields: RawFields, profiles: ReadonlyMap<string, RawFields>, chain: string[] = []): RawFields {
  if (fields.profile === undefined) return fields;
  const at = `${where}: field 'profile'`;
  const name = str(at, fields.profile, true);
  if (chain.includes(name)) fail(at, `profiles refer to each other in a loop: ${[...chain, name].join(' -> ')}`);
  const profile = profiles.get(name) ?? fail(at, `no profile named ${show(name)} (known: ${[...profiles.keys()].join(', ') || 'none'})`);
  const { profile: _used, ...own } = fields;
  return { ...withProfiles(`${where} via profile ${name}`, profile, profiles, [...chain, name]), ...own };
}

/**
 * Validate one data file. `base` supplies schedules and profiles a file may reference without
 * defining (so a user file can say `"profile": "us-nasdaq-stock"` and reuse the bundled ones).
 */
export function parseUniverseData(data: unknown, source: string, base?: Pick<UniverseData, 'schedules' | 'profiles'>): UniverseData {
  if (!isRecord(data)) fail(source, `the file must hold a JSON object, got ${show(data)}`);
  const top = data as Record<string, unknown>;
  checkKeys(source, top, new Set(['formatVersion', 'schedules', 'profiles', 'instruments']));
  if (top.formatVersion !== undefined && top.formatVersion !== 1)
    fail(`${source}: field 'formatVersion'`, `only version 1 is understood, got ${show(top.formatVersion)}`);

  const schedules = new Map(base?.schedules ?? []);
  const rawSchedules = top.schedules ?? {};
  if (!isRecord(rawSchedules)) fail(`${source}: schedules`, `must be an object of named schedules, got ${show(rawSchedules)}`);
  for (const [name, raw] of Object.entries(rawSchedules as Record<string, unknown>)) {
    if (!name.startsWith('$')) schedules.set(name, parseSchedule(`${source}: schedules.${name}`, raw));
  }

  const profiles = new Map(base?.profiles ?? []);
  const rawProfiles = top.profiles ?? {};
  if (!isRecord(rawProfiles)) fail(`${source}: profiles`, `must be an object of named profiles, got ${show(rawProfiles)}`);
  for (const [name, raw] of Object.entries(rawProfiles as Record<string, unknown>)) {
    if (name.startsWith('$')) continue;
    if (!isRecord(raw)) fail(`${source}: profiles.${name}`, `must be an object, got ${show(raw)}`);
    checkKeys(`${source}: profiles.${name}`, raw as Record<string, unknown>, KNOWN_FIELDS);
    profiles.set(name, raw as RawFields);
  }

  if (!Array.isArray(top.instruments)) fail(`${source}: instruments`, `must be a list, got ${show(top.instruments)}`);
  const seen = new Map<number, string>();
  const instruments = (top.instruments as unknown[]).map((raw, i) => {
    const label = isRecord(raw) && typeof raw.symbol === 'string' ? ` (${raw.symbol})` : '';
    const where = `${source}: instruments[${i}]${label}`;
    if (!isRecord(raw)) return fail(where, `must be an object, got ${show(raw)}`);
    checkKeys(where, raw, KNOWN_FIELDS);
    const inst = parseInstrument(where, withProfiles(where, raw, profiles), schedules);
    const dup = seen.get(inst.conId);
    if (dup) fail(where, `conId ${inst.conId} is already used by ${dup}`);
    seen.set(inst.conId, `instruments[${i}] (${inst.symbol})`);
    return inst;
  });
  return { schedules, profiles, instruments };
}
