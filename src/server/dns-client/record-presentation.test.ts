import { type Answer, decode, encode } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { presentRecord, presentTypeName, quoteCharacterString } from './record-presentation';

/** Encode then decode a record, as it arrives from a server. */
function roundTrip(answer: Answer): Answer {
  const bytes = encode({ type: 'response', id: 1, answers: [answer] });
  const [decoded] = decode(bytes).answers ?? [];
  if (!decoded) throw new Error('no answer decoded');
  return decoded;
}

const base = { name: 'example.com', ttl: 300 } as const;

describe('presentRecord: the forms Route 53 stores and TestDNSAnswer returns', () => {
  it.each<[string, Answer, string]>([
    ['A', { ...base, type: 'A', data: '192.0.2.10' }, '192.0.2.10'],
    ['AAAA', { ...base, type: 'AAAA', data: '2001:db8::1' }, '2001:db8::1'],
    ['CNAME', { ...base, type: 'CNAME', data: 'app.example.net' }, 'app.example.net.'],
    ['NS', { ...base, type: 'NS', data: 'ns-1.latency-atlas.local' }, 'ns-1.latency-atlas.local.'],
    ['PTR', { ...base, type: 'PTR', data: 'host.example.com' }, 'host.example.com.'],
    [
      'MX',
      { ...base, type: 'MX', data: { preference: 10, exchange: 'mail.example.com' } },
      '10 mail.example.com.',
    ],
    ['TXT', { ...base, type: 'TXT', data: ['v=spf1 -all'] }, '"v=spf1 -all"'],
    ['TXT, two strings', { ...base, type: 'TXT', data: ['a', 'b c'] }, '"a" "b c"'],
    ['TXT with a quote', { ...base, type: 'TXT', data: ['say "hi"'] }, '"say \\"hi\\""'],
    [
      'SRV',
      {
        ...base,
        type: 'SRV',
        data: { priority: 1, weight: 2, port: 3, target: 'target.example.com' },
      },
      '1 2 3 target.example.com.',
    ],
    [
      'CAA',
      { ...base, type: 'CAA', data: { flags: 0, tag: 'issue', value: 'amazon.com' } },
      '0 issue "amazon.com"',
    ],
    [
      'SOA',
      {
        ...base,
        type: 'SOA',
        data: {
          mname: 'ns-1.latency-atlas.local',
          rname: 'hostmaster.example.com',
          serial: 12,
          refresh: 7200,
          retry: 900,
          expire: 1209600,
          minimum: 86400,
        },
      },
      'ns-1.latency-atlas.local. hostmaster.example.com. 12 7200 900 1209600 86400',
    ],
    [
      'NAPTR',
      {
        ...base,
        type: 'NAPTR',
        data: {
          order: 100,
          preference: 10,
          flags: 'U',
          services: 'E2U+sip',
          regexp: '!^.*$!sip:info@example.com!',
          replacement: '.',
        },
      },
      '100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .',
    ],
  ])('%s', (_label, answer, data) => {
    expect(presentRecord(roundTrip(answer))).toEqual({
      name: 'example.com.',
      type: answer.type,
      ttl: 300,
      data,
    });
  });

  it('SPF (type 99) reads as TXT strings; unknown types as RFC 3597 \\# data', () => {
    const spfRdata = Buffer.concat([Buffer.from([11]), Buffer.from('v=spf1 -all')]);
    const spf = roundTrip({ ...base, type: 'UNKNOWN_99', data: spfRdata } as unknown as Answer);
    expect(presentRecord(spf)).toMatchObject({ type: 'SPF', data: '"v=spf1 -all"' });
    const https = roundTrip({
      ...base,
      type: 'UNKNOWN_65',
      data: Buffer.from([0, 1, 0]),
    } as unknown as Answer);
    expect(presentRecord(https)).toMatchObject({ type: 'HTTPS', data: '\\# 3 000100' });
  });

  it('the root is "." and non-printable TXT bytes are \\DDD (decimal)', () => {
    expect(
      presentRecord(roundTrip({ name: '.', ttl: 1, type: 'NS', data: 'a.root-servers.net' })).name,
    ).toBe('.');
    expect(quoteCharacterString(Buffer.from([0x61, 0x0a, 0x5c]))).toBe('"a\\010\\\\"');
    expect(presentTypeName('UNKNOWN_4242')).toBe('TYPE4242');
  });
});
