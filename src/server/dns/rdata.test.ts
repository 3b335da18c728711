import { decode } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { encodeName, encodeRdata, RdataError, TYPE_CODES } from './rdata';

/**
 * Every stored type's presentation value → wire RDATA, checked by decoding a whole answer with
 * dns-packet (an independent implementation) and comparing with what a resolver would show.
 */

function answerWith(type: string, value: string) {
  const rdata = encodeRdata(type, value);
  const header = Buffer.from([0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
  const question = Buffer.concat([
    encodeName('x.example.com'),
    Buffer.from([0, TYPE_CODES[type] as number, 0, 1]),
  ]);
  question.writeUInt16BE(TYPE_CODES[type] as number, question.length - 4);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(TYPE_CODES[type] as number, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(rdata.length, 10);
  const p = decode(Buffer.concat([header, question, rr, rdata]));
  expect(decode.bytes).toBe(header.length + question.length + rr.length + rdata.length);
  return p.answers?.[0] as { type: string; data: unknown };
}

describe('encodeRdata', () => {
  it.each([
    ['A', '192.0.2.1', '192.0.2.1'],
    ['AAAA', '2001:db8::1', '2001:db8::1'],
    ['CNAME', 'target.example.com.', 'target.example.com'],
    ['NS', 'ns-1.example.net', 'ns-1.example.net'],
    ['PTR', 'host.example.com.', 'host.example.com'],
    ['MX', '10 mail.example.com.', { preference: 10, exchange: 'mail.example.com' }],
    [
      'SRV',
      '1 10 5269 xmpp.example.com.',
      { priority: 1, weight: 10, port: 5269, target: 'xmpp.example.com' },
    ],
    [
      'CAA',
      '0 issue "amazon.com"',
      { flags: 0, tag: 'issue', value: 'amazon.com', issuerCritical: false },
    ],
    [
      'DS',
      '12345 13 2 0123456789abcdef',
      {
        keyTag: 12345,
        algorithm: 13,
        digestType: 2,
        digest: Buffer.from('0123456789abcdef', 'hex'),
      },
    ],
    [
      'NAPTR',
      '100 50 "s" "SIP+D2U" "" _sip._udp.example.com.',
      {
        order: 100,
        preference: 50,
        flags: 's',
        services: 'SIP+D2U',
        regexp: '',
        replacement: '_sip._udp.example.com',
      },
    ],
    [
      'SOA',
      'ns1.example.com. hostmaster.example.com. 7 7200 900 1209600 86400',
      {
        mname: 'ns1.example.com',
        rname: 'hostmaster.example.com',
        serial: 7,
        refresh: 7200,
        retry: 900,
        expire: 1209600,
        minimum: 86400,
      },
    ],
  ])('%s %s', (type, value, shown) => {
    expect(answerWith(type, value).data).toEqual(shown);
  });

  it('TXT and SPF keep each quoted string, with \\" and decimal \\ddd escapes decoded', () => {
    const value = '"v=spf1 -all" "say \\"hi\\"" "caf\\233"';
    const data = answerWith('TXT', value).data as Buffer[];
    expect(data.map((b) => b.toString('latin1'))).toEqual(['v=spf1 -all', 'say "hi"', 'caf\u00e9']);
    // SPF (type 99) has TXT's RDATA layout.
    expect(encodeRdata('SPF', value)).toEqual(encodeRdata('TXT', value));
  });

  it('SSHFP, TLSA and HTTPS/SVCB have the RFC layouts', () => {
    expect(encodeRdata('SSHFP', '4 2 abcd').toString('hex')).toBe('0402abcd');
    expect(encodeRdata('TLSA', '3 1 1 00ff').toString('hex')).toBe('03010100ff');
    // priority 1, target ".", alpn=h2,h3 (key 1), port=443 (key 3), in key order.
    expect(encodeRdata('HTTPS', '1 . port=443 alpn="h2,h3"').toString('hex')).toBe(
      '0001' + '00' + '0001' + '0006' + '026832' + '026833' + '0003' + '0002' + '01bb',
    );
  });

  it('refuses values the wire cannot carry, with a reason', () => {
    expect(() => encodeRdata('A', '300.1.1.1')).toThrow(RdataError);
    expect(() => encodeRdata('MX', '70000 mail.example.com')).toThrow(/0 to 65535/);
    expect(() => encodeRdata('TXT', `"${'x'.repeat(256)}"`)).toThrow(/255 bytes/);
    expect(() => encodeName(`${'a'.repeat(64)}.example.com`)).toThrow(/63 bytes/);
  });
});
