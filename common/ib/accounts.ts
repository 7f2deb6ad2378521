/**
 * IB account ids as the gateway reports them in MANAGED_ACCTS (a comma-separated list), and the
 * one rule the harness needs from them: which ids are paper-trading accounts.
 * The format and its sources: docs/wire-facts/accounts.md#paper-account-ids.
 */

/**
 * A paper-trading account id: `DU` followed by digits and nothing else (`DU1234567`). Exact on
 * purpose: a prefix test would take `DUX-NOT-PAPER` for a paper account. Case-sensitive, as the
 * gateway writes ids in upper case. docs/wire-facts/accounts.md#paper-account-ids
 */
export const PAPER_ACCOUNT_ID = /^DU\d+$/;

/**
 * What an account id may look like where the harness writes one (a simulated gateway's
 * MANAGED_ACCTS): 1–32 letters, digits, `.`, `_` or `-`. IB's own ids are letters and digits
 * (`DU1234567`, `U1234567`); a comma would split the comma-separated list and a NUL the protocol
 * field. docs/wire-facts/accounts.md#managed-accounts-list
 */
export const ACCOUNT_ID_TEXT = /^[A-Za-z0-9._-]{1,32}$/;

/** True for a paper-trading account id (see PAPER_ACCOUNT_ID). */
export function isPaperAccount(id: string): boolean {
  return PAPER_ACCOUNT_ID.test(id);
}

/**
 * The ids of a MANAGED_ACCTS list (`"DU1,DU2"` → `["DU1", "DU2"]`); blanks and surrounding
 * spaces are dropped. docs/wire-facts/accounts.md#managed-accounts-list
 */
export function parseManagedAccounts(list: string): string[] {
  return list
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}
