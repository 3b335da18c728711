import { describe, expect, it } from 'vitest';
import {
  apexRecordSets,
  defaultNameServers,
  negativeTtl,
  nextSoaSerial,
  parseNameServers,
  parseSoaValue,
  soaSerial,
  withoutSoaSerial,
  withSoaSerial,
} from './apex-records';
import { planChangeBatch } from './change-batch';
import { sortRecordSets } from './listing';
import { normalizeRecordSet } from './names';
import type { ResourceRecordSet } from './types';
import { validateRecordSet } from './validate-record';

describe('apexRecordSets', () => {
  it.each([
    [
      'example.com',
      undefined,
      ['ns1.example.com.', 'ns2.example.com.'],
      'ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400',
    ],
    [
      'Example.COM.',
      [],
      ['ns1.example.com.', 'ns2.example.com.'],
      'ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400',
    ],
    [
      'shop.example.net',
      ['NS-1536.awsdns-00.co.uk', 'ns-0.awsdns-00.com.'],
      ['ns-1536.awsdns-00.co.uk.', 'ns-0.awsdns-00.com.'],
      'ns-1536.awsdns-00.co.uk. hostmaster.shop.example.net. 1 7200 900 1209600 86400',
    ],
    [
      '_tcp.example.org',
      ['a.example'],
      ['a.example.'],
      'a.example. hostmaster._tcp.example.org. 1 7200 900 1209600 86400',
    ],
  ])('%j with name servers %j', (zone, servers, ns, soa) => {
    const sets = apexRecordSets(zone, servers);
    const apex = zone.toLowerCase().replace(/\.?$/, '.');
    expect(sets).toEqual([
      { Name: apex, Type: 'NS', TTL: 172800, ResourceRecords: ns.map((Value) => ({ Value })) },
      { Name: apex, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: soa }] },
    ]);
    // Stored form (key order included), listing order, and valid for the engine.
    expect(JSON.stringify(sets)).toBe(JSON.stringify(sets.map(normalizeRecordSet)));
    expect(sortRecordSets(sets)).toEqual(sets);
    for (const set of sets) expect(validateRecordSet(zone, set)).toEqual([]);
  });

  it('refuses a name server that is not a host name, or one listed twice', () => {
    expect(() => apexRecordSets('example.com', ['ns1 example.com'])).toThrow(RangeError);
    expect(() => apexRecordSets('example.com', ['a.example', 'A.example.'])).toThrow(/twice/);
  });

  it('defaults to ns1 and ns2 under the zone', () => {
    expect(defaultNameServers('example.com.')).toEqual(['ns1.example.com.', 'ns2.example.com.']);
  });

  it('gives a zone whose apex a batch can UPSERT but not DELETE or CREATE twice', () => {
    const stored = apexRecordSets('example.com');
    const [ns, soa] = stored as [ResourceRecordSet, ResourceRecordSet];
    const existing = (name: string, type: string) =>
      stored.filter((s) => s.Name === name && s.Type === type);
    const plan = (Action: 'CREATE' | 'DELETE' | 'UPSERT', set: ResourceRecordSet) =>
      planChangeBatch('example.com', { Changes: [{ Action, ResourceRecordSet: set }] }, existing);

    expect(plan('UPSERT', { ...ns, ResourceRecords: [{ Value: 'ns.other.example.' }] }).ok).toBe(
      true,
    );
    expect(plan('UPSERT', { ...soa, TTL: 300 }).ok).toBe(true);
    expect(plan('DELETE', soa)).toMatchObject({
      ok: false,
      errors: [
        {
          field: 'ResourceRecordSet.Type',
          message: "the zone's own SOA record at example.com. can't be deleted",
        },
      ],
    });
    expect(plan('DELETE', ns)).toMatchObject({
      ok: false,
      errors: [{ field: 'ResourceRecordSet.Type' }],
    });
    expect(plan('CREATE', { ...soa, TTL: 60 })).toMatchObject({
      ok: false,
      errors: [
        {
          field: 'ResourceRecordSet.Name',
          message: "can't create example.com. SOA: it already exists (use UPSERT to replace it)",
        },
      ],
    });
    expect(plan('CREATE', { ...soa, Name: 'www.example.com' })).toMatchObject({
      ok: false,
      errors: [
        {
          field: 'ResourceRecordSet.Name',
          message: 'SOA records can only be at the zone apex example.com.',
        },
      ],
    });
  });
});

describe('parseSoaValue / withSoaSerial', () => {
  it.each([
    [
      'ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400',
      {
        mname: 'ns1.example.com.',
        rname: 'hostmaster.example.com.',
        serial: 1,
        refresh: 7200,
        retry: 900,
        expire: 1209600,
        minimum: 86400,
      },
    ],
    [
      '  a.  b.\t4294967295 1 2 3 4 ',
      { mname: 'a.', rname: 'b.', serial: 4294967295, refresh: 1, retry: 2, expire: 3, minimum: 4 },
    ],
    ['a. b. 1 2 3 4', null],
    ['a. b. 1 2 3 4 5 6', null],
    ['a. b. 4294967296 1 2 3 4', null],
    ['a. b. -1 1 2 3 4', null],
    ['a. b. 1 2 3 4 x', null],
    ['', null],
  ])('%j → %j', (value, fields) => {
    expect(parseSoaValue(value)).toEqual(fields);
  });

  it.each([
    ['a. b. 1 2 3 4 5', 7, 'a. b. 7 2 3 4 5'],
    ['a.  b. 41 2 3 4 5', 0, 'a. b. 0 2 3 4 5'],
  ])('withSoaSerial(%j, %j) → %j', (value, serial, out) => {
    expect(withSoaSerial(value, serial)).toBe(out);
  });

  it('refuses a value that is not an SOA, and a serial outside uint32', () => {
    expect(() => withSoaSerial('not an soa', 2)).toThrow(RangeError);
    expect(() => withSoaSerial('a. b. 1 2 3 4 5', 2 ** 32)).toThrow(RangeError);
    expect(() => withSoaSerial('a. b. 1 2 3 4 5', 1.5)).toThrow(RangeError);
  });

  it('reads and masks the serial of an SOA set', () => {
    const soa = apexRecordSets('example.com')[1] as ResourceRecordSet;
    expect(soaSerial(soa)).toBe(1);
    expect(soaSerial({ Name: 'x.', Type: 'SOA' })).toBeNull();
    expect(withoutSoaSerial(soa).ResourceRecords).toEqual([
      { Value: 'ns1.example.com. hostmaster.example.com. 0 7200 900 1209600 86400' },
    ]);
    const a = { Name: 'a.', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '192.0.2.1' }] };
    expect(withoutSoaSerial(a)).toBe(a);
  });
});

describe('nextSoaSerial', () => {
  it.each([
    [1, undefined, 2],
    [1, 1, 2],
    [5, 3, 6],
    [5, 6, 6],
    [5, 2026010101, 2026010101],
    [4294967295, undefined, 0],
  ])('after %j, batch asks %j → %j', (previous, requested, next) => {
    expect(nextSoaSerial(previous, requested)).toBe(next);
  });
});

describe('negativeTtl', () => {
  const soa = (ttl: number | undefined, minimum: number): ResourceRecordSet => ({
    Name: 'example.com.',
    Type: 'SOA',
    ...(ttl === undefined ? {} : { TTL: ttl }),
    ResourceRecords: [
      { Value: `ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 ${minimum}` },
    ],
  });
  it.each([
    [900, 86400, 900],
    [900, 300, 300],
    [60, 60, 60],
    [undefined, 300, null],
  ])('SOA TTL %j, MINIMUM %j → %j (RFC 2308)', (ttl, minimum, expected) => {
    expect(negativeTtl(soa(ttl, minimum))).toBe(expected);
  });

  it('is null for a set without a valid SOA value', () => {
    expect(
      negativeTtl({ Name: 'a.', Type: 'SOA', TTL: 5, ResourceRecords: [{ Value: 'x' }] }),
    ).toBe(null);
  });
});

describe('parseNameServers (DNS_NAMESERVERS)', () => {
  it.each([
    ['ns1.example.net,ns2.example.net', ['ns1.example.net.', 'ns2.example.net.']],
    ['ns1.example.net ns2.example.net.', ['ns1.example.net.', 'ns2.example.net.']],
    [' NS-1.Example.NET. ,  ns-2.example.org\n', ['ns-1.example.net.', 'ns-2.example.org.']],
    ['single.example', ['single.example.']],
  ])('%j → %j', (text, servers) => {
    expect(parseNameServers(text)).toEqual(servers);
  });

  it.each([
    ['', /DNS_NAMESERVERS is empty/],
    [' , ', /DNS_NAMESERVERS is empty/],
    ['ns1.example.net,bad!name', /DNS_NAMESERVERS: "bad!name" is not a host name/],
    ['ns1..example.net', /DNS_NAMESERVERS: "ns1..example.net" is not a host name/],
    ['ns1.example.net NS1.example.net.', /DNS_NAMESERVERS: ns1.example.net. is listed twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseNameServers(text)).toThrow(message);
  });
});
