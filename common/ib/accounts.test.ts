import { describe, expect, it } from 'vitest';
import { isPaperAccount, parseManagedAccounts } from './accounts.ts';

describe('paper account ids (docs/wire-facts/accounts.md#paper-account-ids)', () => {
  it.each(['DU1234567', 'DU0118471', 'DU5240685', 'DU1'])('%s is a paper account', (id) => expect(isPaperAccount(id)).toBe(true));
  it.each(['DUX-NOT-PAPER', 'U1234567', 'DU', 'du1234567', 'DU123 4567', ' DU1234567', 'DU1234567,', 'DF1234567', 'DU12a', ''])('%j is not', (id) =>
    expect(isPaperAccount(id)).toBe(false),
  );
});

describe('the MANAGED_ACCTS list', () => {
  it('splits on commas and drops blanks and spaces', () => {
    expect(parseManagedAccounts('DU111,DU222')).toEqual(['DU111', 'DU222']);
    expect(parseManagedAccounts(' DU111 , ,DU222,')).toEqual(['DU111', 'DU222']);
    expect(parseManagedAccounts('')).toEqual([]);
  });
});
