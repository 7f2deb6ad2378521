import { describe, expect, it } from 'vitest';
import { Masker } from './mask.ts';

const V = 178;

describe('Masker', () => {
  it('maps account ids to stable masks that keep their letters and length', () => {
    const m = new Masker();
    expect(m.maskValue('DU1234567')).toBe('DU0000001');
    expect(m.maskValue('U7654321')).toBe('U0000002');
    expect(m.maskValue('DU1234567')).toBe('DU0000001');
    expect(m.maskValue('')).toBe('');
    expect(m.maskValue('MyFamilyGroup')).toBe('MASKED3');
    // A mask given again stays itself (masking is idempotent).
    expect(m.maskValue('DU0000001')).toBe('DU0000001');
  });

  it('masks personal fields by name and the same values wherever they appear', () => {
    const m = new Masker();
    const accts = m.maskFrame({ type: 'MANAGED_ACCTS', msg: { accounts: 'DU1234567,DU2345678' } }, V);
    expect(accts.msg).toEqual({ accounts: 'DU0000001,DU0000002' });
    const value = m.maskFrame({ type: 'ACCT_VALUE', msg: { key: 'AccountCode', value: 'DU2345678', currency: '', accountName: 'DU2345678' } }, V);
    expect(value.msg).toEqual({ key: 'AccountCode', value: 'DU0000002', currency: '', accountName: 'DU0000002' });
    const error = m.maskFrame(
      { type: 'ERR_MSG', msg: { id: 3, code: 201, message: 'Order rejected - account DU1234567 is not allowed', advancedOrderRejectJson: '' } },
      V,
    );
    expect(error.msg!.message).toBe('Order rejected - account DU0000001 is not allowed');
    // An undeclared message: raw fields, masked where a known value appears.
    expect(m.maskFrame({ fields: ['71', '1', 'DU1234567', 'x DU2345678 y'] }, V).fields).toEqual(['71', '1', 'DU0000001', 'x DU0000002 y']);
  });

  it('masks a personal field first seen on a raw frame of a declared message', () => {
    const m = new Masker();
    const raw = {
      type: 'POSITION',
      fields: ['61', '3', 'DU9999999', '265598', 'AAPL', 'STK', '', '0.0', '', '', 'SMART', 'USD', 'AAPL', 'NMS', '10', '150.5'],
    };
    expect(m.maskFrame(raw, V).fields![2]).toBe('DU0000001');
  });

  it('puts masked values back for sending a masked capture to a gateway', () => {
    const m = new Masker();
    m.maskFrame({ type: 'MANAGED_ACCTS', msg: { accounts: 'DU1234567' } }, V);
    expect(m.unmaskFrame({ type: 'REQ_ACCOUNT_UPDATES_MULTI', msg: { reqId: 1, account: 'DU0000001', modelCode: '', ledgerAndNLV: false } }).msg).toMatchObject(
      {
        account: 'DU1234567',
      },
    );
  });
});
