/**
 * Validation of contract-universe data files (format documented in ./README.md), one zod schema per
 * object of the file (the file, a schedule, a profile or instrument entry, a complete instrument).
 * Every error names the source, the place in the file (instrument index and symbol, profile or
 * schedule name) and the field, because these files are written by hand and a vague "invalid data"
 * is useless. What a schema cannot say (a schedule that exists, unique conIds, the synthetic range)
 * is checked after it.
 */
import { z } from 'zod';
import { pathText } from '../../common/schema.ts';
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

// ---- the schema: one zod schema per object of the file ------------------------------------------

const must = (what: string) => `must be ${what}`;
const nonEmptyText = z.string(must('a non-empty string')).refine((t) => t.trim() !== '', must('a non-empty string'));
const text = z.string(must('a string'));
const nonEmptyList = z.array(z.string().min(1), must('a non-empty list of non-empty strings')).min(1, must('a non-empty list of non-empty strings'));
const list = z.array(z.string().min(1), must('a list of non-empty strings'));
const number = (what: string, test: (n: number) => boolean) => z.number(must(what)).refine((n) => Number.isFinite(n) && test(n), must(what));
const count = () => number('a non-negative integer', (n) => Number.isSafeInteger(n) && n >= 0);
/** Size fields go on the wire as decimal text; accept numbers or numeric strings. */
const decimal = z
  .union([z.number(), z.string()], must('a positive decimal (number or text such as "0.0001")'))
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .refine((t) => /^\d+(\.\d+)?$/.test(t) && Number(t) > 0, must('a positive decimal (number or text such as "0.0001")'));

/** Every instrument field a file (or a profile) may set, as written (before profile defaults). */
const instrumentFields = {
  profile: nonEmptyText,
  conId: number('a positive integer', (n) => Number.isSafeInteger(n) && n > 0),
  synthetic: z.boolean(must('true or false')),
  symbol: nonEmptyText,
  secType: nonEmptyText,
  currency: nonEmptyText,
  /** Empty for FX (IDEALPRO) and futures, as TWS sends them. */
  primaryExchange: text,
  listingExchanges: nonEmptyList,
  validExchanges: nonEmptyList,
  orderTypes: nonEmptyList,
  marketName: text,
  tradingClass: text,
  localSymbol: text,
  minTick: number('a positive number', (n) => n > 0),
  longName: nonEmptyText,
  industry: text,
  category: text,
  subcategory: text,
  timeZoneId: nonEmptyText.refine(isValidTimeZone, 'is not a time zone id known to Intl (e.g. US/Eastern, MET, GB-Eire)'),
  schedule: nonEmptyText,
  secIds: z.record(z.string(), z.string().min(1), must('a map of id types to non-empty strings, e.g. {"ISIN": "US0378331005"}')),
  stockType: text,
  minSize: decimal,
  sizeIncrement: decimal,
  suggestedSizeIncrement: decimal,
  marketRuleIds: z.union([count(), z.array(count())], must('one non-negative integer (used for every valid exchange) or a list with one per valid exchange')),
  aggGroup: count(),
  priceMagnifier: count(),
  derivativeSecTypes: list,
  basePrice: number('a positive number', (n) => n > 0),
  dailyVolatility: number('a number in (0, 0.5]', (n) => n > 0 && n <= 0.5),
  avgDailyVolume: number('a number >= 1', (n) => n >= 1),
};

/** What a profile or an instrument entry may say: any of the fields, each checked. */
const partialInstrumentSchema = z.strictObject(instrumentFields).partial();
/** An instrument once its profiles are applied: the fields without a default are required. */
const instrumentSchema = z.strictObject(instrumentFields).partial().required({
  conId: true,
  symbol: true,
  secType: true,
  currency: true,
  primaryExchange: true,
  validExchanges: true,
  orderTypes: true,
  minTick: true,
  longName: true,
  timeZoneId: true,
  schedule: true,
  basePrice: true,
});
type InstrumentEntry = z.output<typeof instrumentSchema>;

const scheduleSchema = z.strictObject({
  tradingDays: nonEmptyList,
  liquidHours: nonEmptyList,
  tradingHours: nonEmptyList.optional(),
  holidays: list.optional(),
  /** An exchange calendar (common/ib/calendars) for holidays and early closes. */
  calendar: z.string().min(1).optional(),
  /** A session running past midnight belongs to the date it ends on (futures: 17:00–16:00). */
  opensPreviousDay: z.boolean('must be true or false').optional(),
});

const fileSchema = z.strictObject({
  formatVersion: z.literal(1, 'only version 1 is understood').optional(),
  schedules: z.record(z.string(), z.unknown(), must('an object of named schedules')).optional(),
  profiles: z.record(z.string(), z.unknown(), must('an object of named profiles')).optional(),
  instruments: z.array(z.unknown(), must('a list')),
});

/** Keys starting with `$` are comments (the format's own rule, ./README.md): not data, so not checked. */
function withoutComments(v: unknown): unknown {
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('$')));
}

/**
 * Parse one object of the file with its schema; a refusal names the place (`where`), the field and
 * the value. `fieldLabel` says how fields are named in the message (instruments: `field 'minTick'`).
 */
function parse<S extends z.ZodType>(schema: S, raw: unknown, where: Where, fieldLabel: (path: string) => string = (p) => p): z.output<S> {
  const r = schema.safeParse(withoutComments(raw));
  if (r.success) return r.data;
  const issues = [...r.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = issues[0]!;
  if (issue.code === 'unrecognized_keys') return fail(where, `unknown field '${issue.keys[0]}' (fields starting with '$' are comments)`);
  const path = pathText(issue.path as PropertyKey[]);
  let value: unknown = raw;
  for (const p of issue.path.slice(0, 1)) value = isRecord(value) ? value[p as string] : undefined;
  if (path === '')
    return fail(where, `${issue.message === 'Invalid input: expected object, received array' ? 'must be an object' : issue.message}, got ${show(raw)}`);
  const message = /^Invalid input: expected \w+, received undefined$/.test(issue.message) ? 'is required' : issue.message;
  return fail(`${where}: ${fieldLabel(path)}`, `${message}, got ${show(value)}`);
}

const upper = (list: readonly string[]) => list.map((s) => s.toUpperCase());

function parseSchedule(where: Where, raw: unknown): Schedule {
  if (!isRecord(raw)) return fail(where, `must be an object, got ${show(raw)}`);
  const sc = parse(scheduleSchema, raw, where, (p) => p);
  const days = new Set(sc.tradingDays.map((d) => WEEKDAYS[d.toUpperCase()] ?? fail(`${where}.tradingDays`, `unknown weekday ${show(d)} (use MON..SUN)`)));
  const ranges = (field: 'liquidHours' | 'tradingHours', texts: readonly string[]) => {
    const where2 = `${where}.${field}`;
    const specs = texts.map((t): SessionSpec => {
      let spec: SessionSpec;
      try {
        spec = parseSessionRange(t);
      } catch (e) {
        return fail(where2, (e as Error).message);
      }
      // With opensPreviousDay a session running past midnight belongs to the date it ends on.
      return sc.opensPreviousDay && spec.end > 1440 ? { start: spec.start - 1440, end: spec.end - 1440 } : spec;
    });
    try {
      checkSessionOrder(specs);
    } catch (e) {
      fail(where2, (e as Error).message);
    }
    return specs;
  };
  const liquid = ranges('liquidHours', sc.liquidHours);
  const trading = sc.tradingHours === undefined ? liquid : ranges('tradingHours', sc.tradingHours);
  const holidays = sc.holidays ?? [];
  for (const h of holidays) if (parseYmd(h) === undefined) fail(`${where}.holidays`, `${show(h)} is not a yyyyMMdd date`);
  if (sc.calendar === undefined) return { days, liquid, trading, holidays: new Set(holidays) };
  const calendar =
    exchangeCalendar(sc.calendar) ??
    fail(`${where}.calendar`, `no exchange calendar named ${show(sc.calendar)} (known: ${[...EXCHANGE_CALENDARS.keys()].join(', ')})`);
  return { days, liquid, trading, holidays: new Set(holidays), calendar };
}

/** Sample instants (both DST seasons, two eras) at which a calendar's zone and an instrument's must agree. */
const ZONE_PROBES = [Date.UTC(2001, 0, 15), Date.UTC(2001, 6, 15), Date.UTC(2026, 2, 20), Date.UTC(2026, 9, 30)];
const sameZone = (a: string, b: string) => ZONE_PROBES.every((ms) => zoneOffsetMs(ms, a) === zoneOffsetMs(ms, b));

function parseInstrument(where: Where, fields: RawFields, schedules: ReadonlyMap<string, Schedule>): Instrument {
  const at = (field: string) => `${where}: field '${field}'`;
  const f: InstrumentEntry = parse(instrumentSchema, fields, where, (p) => `field '${p.replace(/[.[].*$/, '')}'`);
  const conId = f.conId;
  const synthetic = f.synthetic ?? false;
  if (synthetic && (conId < SYNTHETIC_CONID_MIN || conId > SYNTHETIC_CONID_MAX)) {
    fail(at('conId'), `synthetic conIds must lie in ${SYNTHETIC_CONID_MIN}..${SYNTHETIC_CONID_MAX}, got ${conId}`);
  }
  const symbol = f.symbol;
  const validExchanges = upper(f.validExchanges);
  // Without an explicit list every non-SMART destination counts as a listing, as TWS answers for US stocks.
  const listingExchanges = f.listingExchanges === undefined ? validExchanges.filter((e) => e !== 'SMART') : upper(f.listingExchanges);
  const schedule =
    schedules.get(f.schedule) ?? fail(at('schedule'), `no schedule named ${show(f.schedule)} (known: ${[...schedules.keys()].join(', ') || 'none'})`);
  if (schedule.calendar && !sameZone(schedule.calendar.timeZoneId, f.timeZoneId)) {
    fail(
      at('timeZoneId'),
      `${show(f.timeZoneId)} is not the zone of schedule ${show(f.schedule)}'s calendar ${schedule.calendar.name} (${schedule.calendar.timeZoneId}), whose closing times would be read in the wrong zone`,
    );
  }
  const secIds = Object.fromEntries(
    Object.entries(f.secIds ?? {})
      .filter(([k]) => !k.startsWith('$'))
      .map(([k, v]) => [k.toUpperCase(), v]),
  );
  const rules =
    f.marketRuleIds === undefined ? [] : typeof f.marketRuleIds === 'number' ? validExchanges.map(() => f.marketRuleIds as number) : f.marketRuleIds;
  if (rules.length !== 0 && rules.length !== validExchanges.length) {
    fail(
      at('marketRuleIds'),
      `must be one non-negative integer (used for every valid exchange) or a list with one per valid exchange (${validExchanges.length}), got ${show(f.marketRuleIds)}`,
    );
  }
  return {
    conId,
    synthetic,
    symbol,
    secType: f.secType.toUpperCase(),
    currency: f.currency.toUpperCase(),
    primaryExchange: f.primaryExchange.toUpperCase(),
    listingExchanges,
    validExchanges,
    orderTypes: f.orderTypes,
    marketName: f.marketName ?? symbol,
    tradingClass: f.tradingClass ?? symbol,
    localSymbol: f.localSymbol ?? symbol,
    minTick: f.minTick,
    longName: f.longName,
    industry: f.industry ?? '',
    category: f.category ?? '',
    subcategory: f.subcategory ?? '',
    timeZoneId: f.timeZoneId,
    scheduleName: f.schedule,
    schedule,
    secIds,
    stockType: f.stockType ?? 'COMMON',
    minSize: f.minSize ?? '1',
    sizeIncrement: f.sizeIncrement ?? '1',
    suggestedSizeIncrement: f.suggestedSizeIncrement ?? '1',
    marketRuleIds: rules,
    aggGroup: f.aggGroup ?? 1,
    priceMagnifier: f.priceMagnifier ?? 1,
    derivativeSecTypes: upper(f.derivativeSecTypes ?? []),
    basePrice: f.basePrice,
    dailyVolatility: f.dailyVolatility ?? 0.02,
    avgDailyVolume: f.avgDailyVolume ?? 1_000_000,
  };
}

/** Apply the chain of profiles an object names (a profile may itself name a profile). */
function withProfiles(where: Where, fields: RawFields, profiles: ReadonlyMap<string, RawFields>, chain: string[] = []): RawFields {
  if (fields.profile === undefined) return fields;
  const at = `${where}: field 'profile'`;
  const name = String(fields.profile); // a non-empty string: checked by the entry's schema
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
  const top = parse(fileSchema, data, source, (p) => `field '${p}'`);

  const schedules = new Map(base?.schedules ?? []);
  for (const [name, raw] of Object.entries(top.schedules ?? {})) {
    if (!name.startsWith('$')) schedules.set(name, parseSchedule(`${source}: schedules.${name}`, raw));
  }

  const profiles = new Map(base?.profiles ?? []);
  for (const [name, raw] of Object.entries(top.profiles ?? {})) {
    if (name.startsWith('$')) continue;
    const where = `${source}: profiles.${name}`;
    if (!isRecord(raw)) fail(where, `must be an object, got ${show(raw)}`);
    parse(partialInstrumentSchema, raw, where, (p) => `field '${p.replace(/[.[].*$/, '')}'`);
    profiles.set(name, raw as RawFields);
  }

  const seen = new Map<number, string>();
  const instruments = top.instruments.map((raw, i) => {
    const label = isRecord(raw) && typeof raw.symbol === 'string' ? ` (${raw.symbol})` : '';
    const where = `${source}: instruments[${i}]${label}`;
    if (!isRecord(raw)) return fail(where, `must be an object, got ${show(raw)}`);
    parse(partialInstrumentSchema, raw, where, (p) => `field '${p.replace(/[.[].*$/, '')}'`);
    const inst = parseInstrument(where, withProfiles(where, raw, profiles), schedules);
    const dup = seen.get(inst.conId);
    if (dup) fail(where, `conId ${inst.conId} is already used by ${dup}`);
    seen.set(inst.conId, `instruments[${i}] (${inst.symbol})`);
    return inst;
  });
  return { schedules, profiles, instruments };
}
