import { describe, expect, it } from 'vitest';
import { ipBucket } from '../../../src/http/plugins/auth.ts';

describe('anonymous quota subject', () => {
  it('keeps IPv4 addresses, including IPv4-mapped IPv6', () => {
    expect(ipBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const forms = ['2001:db8:85a3:0:1:2:3:4', '2001:0db8:85a3:0000:ffff::1', '2001:db8:85a3::9', '2001:DB8:85A3:0::abcd%eth0'];
    expect(new Set(forms.map(ipBucket))).toEqual(new Set(['2001:db8:85a3:0::/64']));
    expect(ipBucket('2001:db8:85a4::1')).not.toBe(ipBucket('2001:db8:85a3::1'));
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
  });
});
