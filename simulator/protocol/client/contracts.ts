/**
 * Client messages about instruments: contract details, symbol search, option chains, market
 * rules, family codes, fundamentals and the market scanner. Layouts: official EClient.java
 * (TWS API 10.34.02), cross-checked with ib_async 2.0.1 and @stoqey/ib 1.6.10 —
 * docs/wire-facts/contracts.md#req_contract_data-9, docs/wire-facts/market-data.md#contract-and-option-chain-requests,
 * docs/wire-facts/market-data.md#scanner-and-fundamentals.
 */
import { bool, int, message, optDouble, optInt, str, version } from '../schema.ts';
import { MIN_SERVER_VER_BOND_ISSUERID, MIN_SERVER_VER_SCANNER_GENERIC_OPTS } from '../server-versions.ts';
import { contractFields } from '../contract-fields.ts';

export const contractMessages = {
  REQ_CONTRACT_DATA: message(9, 'REQ_CONTRACT_DATA', [
    version(8),
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    str('secIdType'),
    str('secId'),
    str('issuerId', { since: MIN_SERVER_VER_BOND_ISSUERID }),
  ]),
  REQ_MATCHING_SYMBOLS: message(81, 'REQ_MATCHING_SYMBOLS', [int('reqId'), str('pattern')]),

  /** Option chain parameters; futFopExchange empty for stock options. */
  REQ_SEC_DEF_OPT_PARAMS: message(78, 'REQ_SEC_DEF_OPT_PARAMS', [
    int('reqId'),
    str('underlyingSymbol'),
    str('futFopExchange'),
    str('underlyingSecType'),
    int('underlyingConId'),
  ]),
  REQ_MARKET_RULE: message(91, 'REQ_MARKET_RULE', [int('marketRuleId')]),
  REQ_FAMILY_CODES: message(80, 'REQ_FAMILY_CODES', []),
  /** The exchanges behind a SMART BBO exchange code (from TICK_REQ_PARAMS). */
  REQ_SMART_COMPONENTS: message(83, 'REQ_SMART_COMPONENTS', [int('reqId'), str('bboExchange')]),

  /**
   * Fundamentals take a short contract (no expiry, strike, right, multiplier or trading class).
   * ib_async 2.0.1 sends one more field, a count, before the options: docs/wire-facts/market-data.md#client-disagreements.
   */
  REQ_FUNDAMENTAL_DATA: message(52, 'REQ_FUNDAMENTAL_DATA', [
    version(2),
    int('reqId'),
    int('conId'),
    str('symbol'),
    str('secType'),
    str('exchange'),
    str('primaryExchange'),
    str('currency'),
    str('localSymbol'),
    str('reportType'),
    str('fundamentalDataOptions'),
  ]),
  CANCEL_FUNDAMENTAL_DATA: message(53, 'CANCEL_FUNDAMENTAL_DATA', [version(1), int('reqId')]),

  REQ_SCANNER_PARAMETERS: message(24, 'REQ_SCANNER_PARAMETERS', [version(1)]),
  /** Unset numeric filters are empty fields (EClient `sendMax`); numberOfRows -1 means "no limit given". */
  REQ_SCANNER_SUBSCRIPTION: message(22, 'REQ_SCANNER_SUBSCRIPTION', [
    version(4, { before: MIN_SERVER_VER_SCANNER_GENERIC_OPTS }),
    int('reqId'),
    optInt('numberOfRows'),
    str('instrument'),
    str('locationCode'),
    str('scanCode'),
    optDouble('abovePrice'),
    optDouble('belowPrice'),
    optInt('aboveVolume'),
    optDouble('marketCapAbove'),
    optDouble('marketCapBelow'),
    str('moodyRatingAbove'),
    str('moodyRatingBelow'),
    str('spRatingAbove'),
    str('spRatingBelow'),
    str('maturityDateAbove'),
    str('maturityDateBelow'),
    optDouble('couponRateAbove'),
    optDouble('couponRateBelow'),
    bool('excludeConvertible'),
    optInt('averageOptionVolumeAbove'),
    str('scannerSettingPairs'),
    str('stockTypeFilter'),
    str('scannerSubscriptionFilterOptions', { since: MIN_SERVER_VER_SCANNER_GENERIC_OPTS }),
    str('scannerSubscriptionOptions'),
  ]),
  CANCEL_SCANNER_SUBSCRIPTION: message(23, 'CANCEL_SCANNER_SUBSCRIPTION', [version(1), int('reqId')]),
} as const;
