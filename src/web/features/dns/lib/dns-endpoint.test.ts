import { describe, expect, it } from 'vitest';
import type { DnsQueryResult, DnsStatus } from '../../../../shared/dns';
import { dnsQueryParams } from '../api/get-dns-query';
import {
  dnsStatusRefetchInterval,
  SETTLED_REFETCH_MS,
  SYNCING_REFETCH_MS,
} from '../api/get-dns-status';
import {
  compareWithEngine,
  digServer,
  endpointAddress,
  soaDigCommand,
  zoneDnsState,
} from './dns-endpoint';

const zone = {
  id: 'Z1',
  name: 'example.com',
  version: 3,
  serial: 12,
  servedVersion: 3,
  inSync: true,
};
const status: DnsStatus = {
  enabled: true,
  host: '127.0.0.1',
  port: 8053,
  responders: 1,
  zones: [zone, { ...zone, id: 'Z2', name: 'example.org', servedVersion: 1, inSync: false }],
};
const off: DnsStatus = { enabled: false, host: null, port: null, responders: 0, zones: [] };

function dns(RecordData: string[], ResponseCode = 'NOERROR'): DnsQueryResult {
  return {
    server: '127.0.0.1:8053',
    dig: '',
    ResponseCode,
    RecordData,
    answers: [],
    authority: [],
    aa: true,
    truncated: false,
    ecsScope: 24,
    rttMs: 1,
    protocol: 'UDP',
  };
}

describe('the DNS endpoint indicator', () => {
  it('in sync, syncing, off, or a zone the server does not list', () => {
    expect(zoneDnsState(status, 'Z1')).toEqual({ kind: 'in-sync', zone });
    expect(zoneDnsState(status, 'Z2').kind).toBe('syncing');
    expect(zoneDnsState(status, 'Z9').kind).toBe('unknown');
    expect(zoneDnsState(off, 'Z1').kind).toBe('off');
  });

  it('polls every 2 s while a zone is syncing, else every 15 s', () => {
    expect(dnsStatusRefetchInterval(status)).toBe(SYNCING_REFETCH_MS);
    expect(dnsStatusRefetchInterval({ ...status, zones: [zone] })).toBe(SETTLED_REFETCH_MS);
    expect(dnsStatusRefetchInterval(off)).toBe(SETTLED_REFETCH_MS);
    expect(dnsStatusRefetchInterval(undefined)).toBe(SETTLED_REFETCH_MS);
  });

  it('the SOA dig line names the bound address, or the page host for a wildcard bind', () => {
    expect(soaDigCommand(status, 'example.com', 'console.internal')).toBe(
      'dig @127.0.0.1 -p 8053 +norec example.com SOA',
    );
    expect(soaDigCommand({ ...status, host: '0.0.0.0' }, 'example.com', 'console.internal')).toBe(
      'dig @console.internal -p 8053 +norec example.com SOA',
    );
    expect(soaDigCommand(off, 'example.com', 'x')).toBeNull();
    expect(digServer('::', '')).toBe('::1');
    expect(digServer('::', '[2001:db8::5]')).toBe('2001:db8::5');
    expect(endpointAddress('::1', 53)).toBe('[::1]:53');
    expect(endpointAddress('127.0.0.1', 8053)).toBe('127.0.0.1:8053');
  });
});

describe('the DNS answer against the engine', () => {
  it('agrees when rcode and records match, spelling aside', () => {
    expect(
      compareWithEngine(
        { RecordData: ['app.example.net'], ResponseCode: 'NOERROR' },
        dns(['app.example.net.']),
      ),
    ).toEqual({
      agrees: true,
    });
  });

  it('says what differs', () => {
    expect(
      compareWithEngine(
        { RecordData: ['192.0.2.10'], ResponseCode: 'NOERROR' },
        dns(['192.0.2.20']),
      ),
    ).toEqual({
      agrees: false,
      reasons: ['records: engine 192.0.2.10, DNS 192.0.2.20'],
    });
    expect(
      compareWithEngine({ RecordData: [], ResponseCode: 'NXDOMAIN' }, dns([], 'REFUSED')),
    ).toEqual({
      agrees: false,
      reasons: ['response code: engine NXDOMAIN, DNS REFUSED'],
    });
  });

  it('sends a subnet as address and mask', () => {
    expect(
      dnsQueryParams({
        recordName: 'app.example.com',
        recordType: 'A',
        subnet: '81.2.69.0/24',
      }).toString(),
    ).toBe(
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.0&edns0clientsubnetmask=24',
    );
    expect(dnsQueryParams({ recordName: 'app.example.com', recordType: 'A' }).toString()).toBe(
      'recordname=app.example.com&recordtype=A',
    );
  });
});
