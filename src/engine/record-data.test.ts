import { describe, expect, it } from 'vitest';
import { canonicalRecordValue, sameRecordData } from './record-data';

describe('sameRecordData: stored values against a DNS answer', () => {
  it.each<[string, string[], string[], boolean]>([
    ['same address', ['192.0.2.10'], ['192.0.2.10'], true],
    ['another address', ['192.0.2.10'], ['192.0.2.20'], false],
    ['order does not matter', ['192.0.2.1', '192.0.2.2'], ['192.0.2.2', '192.0.2.1'], true],
    ['one value missing', ['192.0.2.1', '192.0.2.2'], ['192.0.2.1'], false],
    ['IPv6 long and short', ['2001:0db8:0000::0001'], ['2001:db8::1'], true],
    ['CNAME without and with its dot', ['app.example.net'], ['app.example.net.'], true],
    ['MX, names in any case', ['10 Mail.Example.com'], ['10 mail.example.com.'], true],
    ['MX preference differs', ['10 mail.example.com'], ['20 mail.example.com.'], false],
    ['TXT with its quotes', ['"v=spf1 -all"'], ['"v=spf1 -all"'], true],
    ['TXT case is data', ['"ABC"'], ['"abc"'], false],
    ['TXT spacing between strings', ['"a"   "b"'], ['"a" "b"'], true],
    ['CAA', ['0 issue "amazon.com"'], ['0 issue "amazon.com"'], true],
    ['both empty', [], [], true],
  ])('%s', (_label, stored, answered, same) => {
    expect(sameRecordData(stored, answered)).toBe(same);
  });

  it('keeps the root name and quoted dots', () => {
    expect(canonicalRecordValue('100 10 "U" "" "!^.*$!x!" .')).toBe('100 10 "U" "" "!^.*$!x!" .');
    expect(canonicalRecordValue('"ends with a dot."')).toBe('"ends with a dot."');
  });
});
