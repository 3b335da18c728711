import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutSoaSerial } from '../../engine/apex-records';
import type { ChangeBatch, ResourceRecordSet } from '../../engine/types';
import { MeResponseSchema } from '../../shared/auth';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import { ProposalImpactResponseSchema } from '../../shared/impact';
import {
  ApplyProposalResponseSchema,
  AuditListResponseSchema,
  ProposalDetailSchema,
  ProposalListResponseSchema,
  StaleProposalErrorSchema,
} from '../../shared/proposals';
import { TestDnsAnswerResponseSchema } from '../../shared/routing';
import {
  ChangeHistoryResponseSchema,
  ChangeInfoResponseSchema,
  ListResourceRecordSetsResponseSchema,
} from '../../shared/rrset';
import { ZoneListResponseSchema } from '../../shared/zones';
import { call, startTestServer, type TestServer } from '../test-server';

const CITY = { Tokyo: '1850147', Singapore: '1880252', Sydney: '2147714', London: '2643743' };

function latencyA(name: string, setIdentifier: string, region: string, value: string) {
  return {
    Name: name,
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  } satisfies ResourceRecordSet;
}

const DEMO_SINGAPORE = latencyA('app.example.com.', 'singapore', 'ap-southeast-1', '192.0.2.20');

let s: TestServer;
let demo: string;
/** Bearer headers per token name. */
const as: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  s = await startTestServer({ demo: true });
  as.admin = s.adminHeaders;
  for (const [name, role] of [
    ['alice', 'editor'],
    ['bob', 'approver'],
    ['carol', 'approver'],
    ['vera', 'viewer'],
    ['dan', 'editor'],
  ] as const) {
    as[name] = { authorization: `Bearer ${await s.createToken(name, role)}` };
  }
  await s.repository.revokeApiToken('dan');
  const zones = ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body);
  demo = zones.find((z) => z.name === 'example.com')?.id ?? '';
});

afterAll(async () => {
  await s.close();
});

const H = (name: string): Record<string, string> => as[name] ?? {};

async function newZone(name: string, records: ResourceRecordSet[] = []): Promise<string> {
  const res = await call(s.base, 'POST', '/api/zones', { name }, H('admin'));
  expect(res.status, res.text).toBe(201);
  const id = (res.body as { id: string }).id;
  if (records.length > 0) {
    const applied = await call(
      s.base,
      'POST',
      `/api/zones/${id}/rrsets`,
      {
        Comment: 'setup',
        Changes: records.map((r) => ({ Action: 'CREATE', ResourceRecordSet: r })),
      },
      H('admin'),
    );
    expect(applied.status, applied.text).toBe(200);
  }
  return id;
}

async function newRecord(zoneId: string, record: ResourceRecordSet): Promise<void> {
  const res = await call(
    s.base,
    'POST',
    `/api/zones/${zoneId}/rrsets`,
    { Changes: [{ Action: 'CREATE', ResourceRecordSet: record }] },
    H('admin'),
  );
  expect(res.status, res.text).toBe(200);
}

async function listing(zoneId: string): Promise<ResourceRecordSet[]> {
  const res = await call(s.base, 'GET', `/api/zones/${zoneId}/rrsets`);
  return ListResourceRecordSetsResponseSchema.parse(res.body).ResourceRecordSets;
}

/** The listing with the SOA serial masked: it moves on with every batch, rollbacks included. */
async function listingBesidesSerial(zoneId: string): Promise<ResourceRecordSet[]> {
  return (await listing(zoneId)).map(withoutSoaSerial);
}

async function propose(zoneId: string, batch: unknown, who = 'alice') {
  const res = await call(s.base, 'POST', `/api/zones/${zoneId}/proposals`, batch, H(who));
  expect(res.status, res.text).toBe(201);
  return ProposalDetailSchema.parse(res.body);
}

function errorOf(res: { body: unknown }) {
  return ApiErrorSchema.parse(res.body).error;
}

async function routedRegion(zoneId: string, city: string): Promise<string | undefined> {
  const res = await call(
    s.base,
    'GET',
    `/api/zones/${zoneId}/testdnsanswer?recordname=app.example.com&recordtype=A&city=${city}`,
  );
  return TestDnsAnswerResponseSchema.parse(res.body).Routing.chosen?.region;
}

describe('tokens and roles', () => {
  it('reads stay open without a token', async () => {
    expect((await call(s.base, 'GET', '/api/zones')).status).toBe(200);
    expect((await call(s.base, 'GET', `/api/zones/${demo}/proposals`)).status).toBe(200);
  });

  it.each([
    ['no token', {}, /needs an API token/],
    ['an unknown token', { authorization: 'Bearer la_not-a-real-token' }, /not valid/],
    ['a malformed header', { authorization: 'Basic YWxpY2U6eA==' }, /Bearer <token>/],
    ['a revoked token', { name: 'dan' }, /"dan" was revoked/],
  ])('a write with %s → 401 Unauthorized, nothing stored', async (_label, headers, message) => {
    const h = 'name' in headers ? H(headers.name) : headers;
    const before = (await call(s.base, 'GET', `/api/zones/${demo}/proposals`)).body;
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${demo}/proposals`,
      { Changes: [{ Action: 'DELETE', ResourceRecordSet: DEMO_SINGAPORE }] },
      h,
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(errorOf(res)).toMatchObject({
      code: 'Unauthorized',
      message: expect.stringMatching(message),
    });
    expect((await call(s.base, 'GET', `/api/zones/${demo}/proposals`)).body).toEqual(before);
  });

  it('a presented token must be valid even on an open read; public routes ignore it', async () => {
    const bad = { authorization: 'Bearer la_nope' };
    expect((await call(s.base, 'GET', '/api/zones', undefined, bad)).status).toBe(401);
    expect((await call(s.base, 'GET', '/api/health', undefined, bad)).status).toBe(200);
  });

  it('every existing write needs a token: rrsets, zones, health checks', async () => {
    const batch = { Changes: [{ Action: 'DELETE', ResourceRecordSet: DEMO_SINGAPORE }] };
    expect((await call(s.base, 'POST', `/api/zones/${demo}/rrsets`, batch)).status).toBe(401);
    expect((await call(s.base, 'POST', '/api/zones', { name: 'x.example' })).status).toBe(401);
    expect((await call(s.base, 'DELETE', `/api/zones/${demo}?force=true`)).status).toBe(401);
    expect((await call(s.base, 'PUT', '/api/health-checks/hc-1', { healthy: false })).status).toBe(
      401,
    );
    const viewer = await call(s.base, 'POST', `/api/zones/${demo}/rrsets`, batch, H('vera'));
    expect(viewer.status).toBe(403);
    expect(await listing(demo)).toContainEqual(DEMO_SINGAPORE);
  });

  it('too low a role → 403 Forbidden naming the role needed', async () => {
    const p = await propose(demo, {
      Comment: 'role checks',
      Changes: [{ Action: 'DELETE', ResourceRecordSet: DEMO_SINGAPORE }],
    });
    const cases: [string, string, string, unknown, RegExp][] = [
      [
        'vera',
        'POST',
        `/api/zones/${demo}/proposals`,
        { Changes: [] },
        /vera is a viewer; .* needs the editor role/,
      ],
      [
        'alice',
        'POST',
        `/api/proposals/${p.id}/approve`,
        undefined,
        /alice is an editor; .* needs the approver role/,
      ],
      ['alice', 'POST', `/api/proposals/${p.id}/reject`, undefined, /needs the approver role/],
      [
        'bob',
        'PUT',
        `/api/zones/${demo}/settings`,
        { requireApproval: true },
        /bob is an approver; .* needs the admin role$/,
      ],
      ['alice', 'DELETE', `/api/zones/${demo}?force=true`, undefined, /needs the admin role$/],
      ['vera', 'PUT', '/api/health-checks/hc-1', { healthy: false }, /needs the editor role/],
    ];
    for (const [who, method, path, body, message] of cases) {
      const res = await call(s.base, method, path, body, H(who));
      expect(res.status, `${who} ${method} ${path}`).toBe(403);
      expect(errorOf(res)).toMatchObject({
        code: 'Forbidden',
        message: expect.stringMatching(message),
      });
    }
    // Rebase is for the author or an admin: bob (approver) may not, alice (author) may.
    const byOther = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/rebase`,
      undefined,
      H('bob'),
    );
    expect(byOther.status).toBe(403);
    expect(errorOf(byOther).message).toMatch(/author \(alice\) or an admin/);
    expect(
      (await call(s.base, 'POST', `/api/proposals/${p.id}/rebase`, undefined, H('alice'))).status,
    ).toBe(200);
    // Clean up: reject it (as an approver).
    expect(
      (await call(s.base, 'POST', `/api/proposals/${p.id}/reject`, undefined, H('bob'))).status,
    ).toBe(200);
  });

  it('an approver may propose too (approver ⊇ editor), but never approve their own', async () => {
    const p = await propose(
      demo,
      { Changes: [{ Action: 'DELETE', ResourceRecordSet: DEMO_SINGAPORE }] },
      'bob',
    );
    const self = await call(s.base, 'POST', `/api/proposals/${p.id}/approve`, undefined, H('bob'));
    expect(self.status).toBe(403);
    expect(errorOf(self).code).toBe('SelfApprovalNotAllowed');
    // Not even an admin approves their own.
    const mine = await propose(
      demo,
      { Changes: [{ Action: 'DELETE', ResourceRecordSet: DEMO_SINGAPORE }] },
      'admin',
    );
    const adminSelf = await call(
      s.base,
      'POST',
      `/api/proposals/${mine.id}/approve`,
      undefined,
      H('admin'),
    );
    expect(errorOf(adminSelf).code).toBe('SelfApprovalNotAllowed');
    for (const id of [p.id, mine.id]) {
      await call(s.base, 'POST', `/api/proposals/${id}/reject`, { reason: 'test' }, H('carol'));
    }
  });

  it('GET /api/me names the token and its role; 401 without one', async () => {
    expect((await call(s.base, 'GET', '/api/me')).status).toBe(401);
    const me = await call(s.base, 'GET', '/api/me', undefined, H('alice'));
    expect(MeResponseSchema.parse(me.body)).toEqual({ name: 'alice', role: 'editor' });
    const admin = await call(s.base, 'GET', '/api/me', undefined, H('admin'));
    expect(admin.body).toEqual({ name: 'admin-env', role: 'admin' });
  });
});

describe('proposals', () => {
  it('are validated on creation with the same rules and errors as a change batch', async () => {
    const zone = await newZone('validate.example', [
      latencyA('app.validate.example.', 'oregon', 'us-west-2', '192.0.2.10'),
    ]);
    const bad: ChangeBatch = {
      Comment: 'two bad changes',
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA('app.validate.example.', 'ireland', 'eu-west-1', '999.1.1.1'),
        },
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(
            'app.validate.example.',
            'oregon-2',
            'us-west-2',
            '192.0.2.11',
          ),
        },
      ],
    };
    const asProposal = await call(s.base, 'POST', `/api/zones/${zone}/proposals`, bad, H('alice'));
    const asBatch = await call(s.base, 'POST', `/api/zones/${zone}/rrsets`, bad, H('admin'));
    expect(asProposal.status).toBe(400);
    expect(asBatch.status).toBe(400);
    expect(errorOf(asProposal).code).toBe('InvalidChangeBatch');
    expect(errorOf(asProposal).details).toEqual(errorOf(asBatch).details);
    expect(errorOf(asProposal).details).toContainEqual(
      expect.objectContaining({ change: 0, field: 'ResourceRecordSet.ResourceRecords[0].Value' }),
    );
    // Malformed JSON shapes are refused the same way too.
    const shape = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/proposals`,
      { Changes: [{ Action: 'MOVE' }] },
      H('alice'),
    );
    expect(shape.status).toBe(400);
    expect(errorOf(shape).code).toBe('InvalidChangeBatch');
    const list = ProposalListResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${zone}/proposals`)).body,
    );
    expect(list.proposals).toEqual([]);
  });

  it('accept the {"ChangeBatch":{…}} form with a top-level Comment', async () => {
    const zone = await newZone('wrapped.example');
    const p = await propose(zone, {
      Comment: 'outer comment',
      ChangeBatch: {
        Comment: 'inner',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: latencyA('app.wrapped.example', 'oregon', 'us-west-2', '192.0.2.10'),
          },
        ],
      },
    });
    expect(p).toMatchObject({
      comment: 'outer comment',
      status: 'pending',
      baseVersion: 0,
      author: 'alice',
    });
    expect(p.diff).toEqual([
      {
        action: 'CREATE',
        before: null,
        after: latencyA('app.wrapped.example.', 'oregon', 'us-west-2', '192.0.2.10'),
      },
    ]);
  });

  it('approval flow: setting on, apply refused until someone else approves, then applied', async () => {
    const zone = await newZone('approval.example', [
      latencyA('app.approval.example.', 'oregon', 'us-west-2', '192.0.2.10'),
      latencyA('app.approval.example.', 'singapore', 'ap-southeast-1', '192.0.2.20'),
    ]);
    const settings = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      { requireApproval: true },
      H('admin'),
    );
    expect(settings.status, settings.text).toBe(200);
    expect((await call(s.base, 'GET', `/api/zones/${zone}/settings`)).body).toMatchObject({
      requireApproval: true,
      routingModel: 'distance',
    });

    const batch = {
      Comment: 'retire singapore',
      Changes: [
        {
          Action: 'DELETE',
          ResourceRecordSet: latencyA(
            'app.approval.example.',
            'singapore',
            'ap-southeast-1',
            '192.0.2.20',
          ),
        },
      ],
    };
    // Directly: only an admin may write to a zone that requires approval.
    const direct = await call(s.base, 'POST', `/api/zones/${zone}/rrsets`, batch, H('alice'));
    expect(direct.status).toBe(403);
    expect(errorOf(direct)).toMatchObject({
      code: 'ApprovalRequired',
      message: expect.stringMatching(/propos/),
    });

    const p = await propose(zone, batch);
    expect(p).toMatchObject({ status: 'pending', requireApproval: true, stale: false });
    const early = await call(s.base, 'POST', `/api/proposals/${p.id}/apply`, undefined, H('alice'));
    expect(early.status).toBe(409);
    expect(errorOf(early).code).toBe('ApprovalRequired');
    expect(await listing(zone)).toHaveLength(4); // two records and the apex NS and SOA

    const approved = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/approve`,
      undefined,
      H('bob'),
    );
    expect(approved.status, approved.text).toBe(200);
    expect(ProposalDetailSchema.parse(approved.body)).toMatchObject({
      status: 'approved',
      decidedBy: 'bob',
    });
    // Deciding twice is refused.
    const twice = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/reject`,
      undefined,
      H('carol'),
    );
    expect(twice.status).toBe(409);
    expect(errorOf(twice).code).toBe('InvalidProposalState');

    const applied = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/apply`,
      undefined,
      H('alice'),
    );
    expect(applied.status, applied.text).toBe(200);
    const body = ApplyProposalResponseSchema.parse(applied.body);
    expect(body.ChangeInfo).toMatchObject({ Status: 'INSYNC', Comment: 'retire singapore' });
    expect(body.proposal).toMatchObject({ status: 'applied', appliedChangeId: body.ChangeInfo.Id });
    expect((await listing(zone)).filter((r) => r.Type === 'A')).toEqual([
      latencyA('app.approval.example.', 'oregon', 'us-west-2', '192.0.2.10'),
    ]);

    const history = ChangeHistoryResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${zone}/changes`)).body,
    );
    expect(history.Changes[0]).toMatchObject({
      Id: body.ChangeInfo.Id,
      Author: 'alice',
      Comment: 'retire singapore',
    });
    expect(history.Changes[0]?.Impact?.names[0]).toMatchObject({
      name: 'app.approval.example.',
      flows: [expect.objectContaining({ from: 'ap-southeast-1', to: 'us-west-2' })],
    });
    expect(history.Changes[1]).toMatchObject({ Author: 'admin-env', Comment: 'setup' });

    const again = await call(s.base, 'POST', `/api/proposals/${p.id}/apply`, undefined, H('alice'));
    expect(again.status).toBe(409);
    expect(errorOf(again).code).toBe('InvalidProposalState');

    // An admin may still write directly.
    const adminDirect = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: latencyA(
              'app.approval.example.',
              'tokyo',
              'ap-northeast-1',
              '192.0.2.30',
            ),
          },
        ],
      },
      H('admin'),
    );
    expect(adminDirect.status, adminDirect.text).toBe(200);
  });

  it('a stale base → 409 with what changed since; rebase; then apply', async () => {
    const zone = await newZone('stale.example', [
      latencyA('app.stale.example.', 'oregon', 'us-west-2', '192.0.2.10'),
    ]);
    const p = await propose(zone, {
      Comment: 'add singapore',
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(
            'app.stale.example.',
            'singapore',
            'ap-southeast-1',
            '192.0.2.20',
          ),
        },
      ],
    });
    const meanwhile = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Comment: 'meanwhile',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: latencyA('www.stale.example.', 'oregon', 'us-west-2', '192.0.2.50'),
          },
        ],
      },
      H('carol'),
    );
    expect(meanwhile.status, meanwhile.text).toBe(200);
    const meanwhileId = ChangeInfoResponseSchema.parse(meanwhile.body).ChangeInfo.Id;

    const detail = ProposalDetailSchema.parse(
      (await call(s.base, 'GET', `/api/proposals/${p.id}`)).body,
    );
    expect(detail).toMatchObject({ stale: true, baseVersion: 1, currentVersion: 2 });

    const stale = await call(s.base, 'POST', `/api/proposals/${p.id}/apply`, undefined, H('alice'));
    expect(stale.status).toBe(409);
    const err = StaleProposalErrorSchema.parse(stale.body).error;
    expect(err.details).toMatchObject({ baseVersion: 1, currentVersion: 2 });
    expect(err.details.changedSince).toEqual([
      {
        Id: meanwhileId,
        SubmittedAt: expect.any(String),
        Author: 'carol',
        AppliedBy: 'carol',
        ProposalId: null,
        Comment: 'meanwhile',
        Version: 2,
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: latencyA('www.stale.example.', 'oregon', 'us-west-2', '192.0.2.50'),
          },
        ],
        Impact: expect.objectContaining({ model: 'distance-v1' }),
      },
    ]);
    expect(await listing(zone)).toHaveLength(4); // two records and the apex NS and SOA

    const rebased = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/rebase`,
      undefined,
      H('alice'),
    );
    expect(rebased.status, rebased.text).toBe(200);
    expect(ProposalDetailSchema.parse(rebased.body)).toMatchObject({
      baseVersion: 2,
      stale: false,
    });
    const applied = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/apply`,
      undefined,
      H('alice'),
    );
    expect(applied.status, applied.text).toBe(200);
    expect(await listing(zone)).toHaveLength(5); // three records and the apex NS and SOA
  });

  it('a rebase that no longer validates → 400 with the reasons, proposal unchanged', async () => {
    const zone = await newZone('rebase-fail.example', [
      latencyA('app.rebase-fail.example.', 'oregon', 'us-west-2', '192.0.2.10'),
    ]);
    const singapore = latencyA(
      'app.rebase-fail.example.',
      'singapore',
      'ap-southeast-1',
      '192.0.2.20',
    );
    const p = await propose(zone, {
      Changes: [{ Action: 'CREATE', ResourceRecordSet: singapore }],
    });
    await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      { Changes: [{ Action: 'CREATE', ResourceRecordSet: singapore }] },
      H('admin'),
    );
    const res = await call(s.base, 'POST', `/api/proposals/${p.id}/rebase`, undefined, H('alice'));
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({
      code: 'InvalidChangeBatch',
      details: [expect.objectContaining({ change: 0 })],
    });
    expect(
      ProposalDetailSchema.parse((await call(s.base, 'GET', `/api/proposals/${p.id}`)).body),
    ).toMatchObject({
      baseVersion: 1,
      status: 'pending',
    });
  });

  it('lists by status, reads one, and answers clearly for bad or unknown ids', async () => {
    const zone = await newZone('list.example');
    const mk = (set: string, region: string) =>
      propose(zone, {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: latencyA('a.list.example', set, region, '192.0.2.1'),
          },
        ],
      });
    const first = await mk('oregon', 'us-west-2');
    const second = await mk('ireland', 'eu-west-1');
    const rejected = await call(
      s.base,
      'POST',
      `/api/proposals/${first.id}/reject`,
      { reason: 'not now' },
      H('bob'),
    );
    expect(ProposalDetailSchema.parse(rejected.body)).toMatchObject({
      status: 'rejected',
      reason: 'not now',
      decidedBy: 'bob',
    });
    const pending = ProposalListResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${zone}/proposals?status=pending`)).body,
    );
    expect(pending.proposals.map((p) => p.id)).toEqual([second.id]);
    const all = ProposalListResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${zone}/proposals`)).body,
    );
    expect(all.proposals.map((p) => p.id)).toEqual([second.id, first.id]);
    const applyRejected = await call(
      s.base,
      'POST',
      `/api/proposals/${first.id}/apply`,
      undefined,
      H('alice'),
    );
    expect(errorOf(applyRejected).code).toBe('InvalidProposalState');

    const badStatus = await call(s.base, 'GET', `/api/zones/${zone}/proposals?status=maybe`);
    expect(badStatus.status).toBe(400);
    expect(fieldErrors(errorOf(badStatus))[0]?.field).toBe('status');
    const badId = await call(s.base, 'GET', '/api/proposals/not-a-proposal');
    expect(badId.status).toBe(400);
    expect(fieldErrors(errorOf(badId))[0]?.field).toBe('pid');
    const unknown = await call(s.base, 'GET', '/api/proposals/PNOSUCHPROPOSAL00000');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('NoSuchProposal');
    const badReason = await call(
      s.base,
      'POST',
      `/api/proposals/${second.id}/reject`,
      { reason: 42 },
      H('bob'),
    );
    expect(badReason.status).toBe(400);
    expect(fieldErrors(errorOf(badReason))[0]?.field).toBe('reason');
  });
});

describe('impact', () => {
  it('deleting the demo ap-southeast-1 record moves Tokyo, Singapore and Sydney to us-west-2', async () => {
    const before = await Promise.all(
      [CITY.Tokyo, CITY.Singapore, CITY.Sydney, CITY.London].map((c) => routedRegion(demo, c)),
    );
    expect(before).toEqual(['ap-southeast-1', 'ap-southeast-1', 'ap-southeast-1', 'us-west-2']);

    const p = await propose(demo, {
      Comment: 'retire singapore',
      Changes: [{ Action: 'DELETE', ResourceRecordSet: DEMO_SINGAPORE }],
    });
    const res = await call(s.base, 'GET', `/api/proposals/${p.id}/impact`);
    expect(res.status, res.text).toBe(200);
    const { impact, stale } = ProposalImpactResponseSchema.parse(res.body);
    expect(stale).toBe(false);
    expect(impact.cityCount).toBeGreaterThan(130_000);
    expect(impact.names.map((n) => `${n.name} ${n.type}`)).toEqual(['app.example.com. A']);
    const [app] = impact.names;
    if (!app) throw new Error('no impact');
    expect(app.movedPopulationShare).toBeGreaterThan(0);
    expect(app.movedPopulationShare).toBeLessThan(1);
    expect(app.movedCitiesShare).toBeGreaterThan(0);
    expect(app.movedCitiesShare).toBeLessThan(1);
    expect(app.flows).toEqual([
      {
        from: 'ap-southeast-1',
        to: 'us-west-2',
        cities: app.movedCities,
        population: app.movedPopulation,
      },
    ]);
    expect(app.largestIncreases).toHaveLength(10);
    for (const r of app.largestIncreases) {
      expect(r).toMatchObject({ from: 'ap-southeast-1', to: 'us-west-2' });
      expect(r.deltaMs).toBeGreaterThan(100);
    }

    // Apply it (the demo zone needs no approval) and check the cities really moved.
    const applied = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/apply`,
      undefined,
      H('alice'),
    );
    expect(applied.status, applied.text).toBe(200);
    const after = await Promise.all(
      [CITY.Tokyo, CITY.Singapore, CITY.Sydney, CITY.London].map((c) => routedRegion(demo, c)),
    );
    expect(after).toEqual(['us-west-2', 'us-west-2', 'us-west-2', 'us-west-2']);
    // The history keeps the impact as it was at the time.
    const history = ChangeHistoryResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${demo}/changes`)).body,
    );
    expect(history.Changes[0]?.Impact).toEqual(impact);
    // The impact of an applied proposal stays what it was.
    const later = ProposalImpactResponseSchema.parse(
      (await call(s.base, 'GET', `/api/proposals/${p.id}/impact`)).body,
    );
    expect(later.impact).toEqual(impact);

    // Put Singapore back for the other tests.
    const restore = await call(
      s.base,
      'POST',
      `/api/zones/${demo}/rrsets`,
      { Changes: [{ Action: 'CREATE', ResourceRecordSet: DEMO_SINGAPORE }] },
      H('admin'),
    );
    expect(restore.status).toBe(200);
  });
});

describe('rollback', () => {
  const zoneRecords = (zone: string) => [
    latencyA(`app.${zone}.`, 'oregon', 'us-west-2', '192.0.2.10'),
    latencyA(`app.${zone}.`, 'singapore', 'ap-southeast-1', '192.0.2.20'),
    { Name: `txt.${zone}.`, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=1"' }] },
  ];
  const bigChange = (zone: string): ChangeBatch => ({
    Comment: 'reshape',
    Changes: [
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          ...latencyA(`app.${zone}.`, 'oregon', 'us-west-2', '192.0.2.11'),
          TTL: 300,
        },
      },
      {
        Action: 'DELETE',
        ResourceRecordSet: latencyA(`app.${zone}.`, 'singapore', 'ap-southeast-1', '192.0.2.20'),
      },
      {
        Action: 'CREATE',
        ResourceRecordSet: latencyA(`app.${zone}.`, 'tokyo', 'ap-northeast-1', '192.0.2.30'),
      },
      {
        Action: 'DELETE',
        ResourceRecordSet: {
          Name: `txt.${zone}.`,
          Type: 'TXT',
          TTL: 300,
          ResourceRecords: [{ Value: '"v=1"' }],
        },
      },
    ],
  });

  async function applyBig(zone: string, zoneId: string): Promise<string> {
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/rrsets`,
      bigChange(zone),
      H('alice'),
    );
    expect(res.status, res.text).toBe(200);
    return ChangeInfoResponseSchema.parse(res.body).ChangeInfo.Id;
  }

  it('as a proposal: applying it restores the exact previous record sets', async () => {
    const zoneId = await newZone('rollback.example', zoneRecords('rollback.example'));
    const original = await listingBesidesSerial(zoneId);
    const changeId = await applyBig('rollback.example', zoneId);
    expect(await listing(zoneId)).not.toEqual(original);

    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/changes/${encodeURIComponent(changeId)}/rollback`,
      undefined,
      H('alice'),
    );
    expect(res.status, res.text).toBe(201);
    const p = ProposalDetailSchema.parse(res.body);
    expect(p).toMatchObject({ rollbackOf: changeId, status: 'pending', author: 'alice' });
    expect(p.comment).toBe(`Roll back ${changeId}: reshape`);
    expect(p.changeBatch.Changes.map((c) => c.Action)).toEqual([
      'CREATE',
      'DELETE',
      'CREATE',
      'UPSERT',
    ]);
    expect(await listing(zoneId)).not.toEqual(original); // a proposal is not live

    const applied = await call(
      s.base,
      'POST',
      `/api/proposals/${p.id}/apply`,
      undefined,
      H('alice'),
    );
    expect(applied.status, applied.text).toBe(200);
    expect(await listingBesidesSerial(zoneId)).toEqual(original);
  });

  it('?apply=true: admin only, applied at once, exact', async () => {
    const zoneId = await newZone('rollback-now.example', zoneRecords('rollback-now.example'));
    const original = await listingBesidesSerial(zoneId);
    const serialBefore = (await call(s.base, 'GET', `/api/zones/${zoneId}`)).body as {
      serial: number;
    };
    const changeId = await applyBig('rollback-now.example', zoneId);
    const shortId = changeId.replace('/change/', '');
    const path = `/api/zones/${zoneId}/changes/${shortId}/rollback?apply=true`;
    const editor = await call(s.base, 'POST', path, undefined, H('alice'));
    expect(editor.status).toBe(403);
    expect(errorOf(editor).message).toMatch(/needs the admin role/);
    const admin = await call(s.base, 'POST', path, undefined, H('admin'));
    expect(admin.status, admin.text).toBe(200);
    expect(ChangeInfoResponseSchema.parse(admin.body).ChangeInfo.Comment).toBe(
      `Roll back ${changeId}: reshape`,
    );
    expect(await listingBesidesSerial(zoneId)).toEqual(original);
    // The change and its rollback each moved the SOA serial on by one.
    expect((await call(s.base, 'GET', `/api/zones/${zoneId}`)).body).toMatchObject({
      serial: serialBefore.serial + 2,
    });
    const history = ChangeHistoryResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${zoneId}/changes`)).body,
    );
    expect(history.Changes[0]).toMatchObject({ Author: 'admin-env' });
    // Rolling back the rollback brings the change back.
    const redo = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/changes/${history.Changes[0]?.Id.replace('/change/', '')}/rollback?apply=true`,
      undefined,
      H('admin'),
    );
    expect(redo.status, redo.text).toBe(200);
    expect(await listingBesidesSerial(zoneId)).not.toEqual(original);
  });

  it('refuses when the zone moved on over the same records (409 with the reasons)', async () => {
    const zoneId = await newZone(
      'rollback-conflict.example',
      zoneRecords('rollback-conflict.example'),
    );
    const changeId = await applyBig('rollback-conflict.example', zoneId);
    const later = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/rrsets`,
      {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: latencyA(
              'app.rollback-conflict.example.',
              'tokyo',
              'ap-northeast-1',
              '192.0.2.99',
            ),
          },
        ],
      },
      H('admin'),
    );
    expect(later.status).toBe(200);
    const before = await listing(zoneId);
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/changes/${encodeURIComponent(changeId)}/rollback`,
      undefined,
      H('alice'),
    );
    expect(res.status).toBe(409);
    const err = errorOf(res);
    expect(err.code).toBe('RollbackConflict');
    expect(err.details).toEqual([
      {
        change: 1,
        field: 'ResourceRecordSet.ResourceRecords',
        message: expect.stringMatching(
          /app\.rollback-conflict\.example A \(set "tokyo"\) was changed after/,
        ),
      },
    ]);
    expect(await listing(zoneId)).toEqual(before);
    expect(
      ProposalListResponseSchema.parse(
        (await call(s.base, 'GET', `/api/zones/${zoneId}/proposals`)).body,
      ).proposals,
    ).toEqual([]);
  });

  it('rolls back a change to the apex SOA though the serial moved on since', async () => {
    const zoneId = await newZone('rollback-soa.example');
    const [, soa] = await listing(zoneId);
    if (!soa) throw new Error('the zone has no SOA');
    const changed = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/rrsets`,
      { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...soa, TTL: 60 } }] },
      H('admin'),
    );
    expect(changed.status, changed.text).toBe(200);
    const changeId = ChangeInfoResponseSchema.parse(changed.body).ChangeInfo.Id;
    // Another batch elsewhere moves the serial on again.
    await newRecord(
      zoneId,
      latencyA('app.rollback-soa.example.', 'oregon', 'us-west-2', '192.0.2.1'),
    );
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zoneId}/changes/${encodeURIComponent(changeId)}/rollback?apply=true`,
      undefined,
      H('admin'),
    );
    expect(res.status, res.text).toBe(200);
    const restored = (await listing(zoneId)).find((r) => r.Type === 'SOA');
    expect(restored?.TTL).toBe(900);
    expect(restored?.ResourceRecords?.[0]?.Value.split(' ')[2]).toBe('4');
  });

  it('answers 404 for an unknown change and 400 for a malformed id', async () => {
    const unknown = await call(
      s.base,
      'POST',
      `/api/zones/${demo}/changes/CNOSUCHCHANGE/rollback`,
      undefined,
      H('alice'),
    );
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('NoSuchChange');
    const bad = await call(
      s.base,
      'POST',
      `/api/zones/${demo}/changes/nope/rollback`,
      undefined,
      H('alice'),
    );
    expect(bad.status).toBe(400);
    expect(fieldErrors(errorOf(bad))[0]?.field).toBe('changeId');
    const badQuery = await call(
      s.base,
      'POST',
      `/api/zones/${demo}/changes/CNOSUCH/rollback?apply=yes`,
      undefined,
      H('admin'),
    );
    expect(badQuery.status).toBe(400);
  });
});

describe('audit log', () => {
  it('lists who did what to a zone, newest first', async () => {
    const zone = await newZone('audit.example', [
      latencyA('app.audit.example.', 'oregon', 'us-west-2', '192.0.2.10'),
    ]);
    const p = await propose(zone, {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(
            'app.audit.example.',
            'tokyo',
            'ap-northeast-1',
            '192.0.2.30',
          ),
        },
      ],
    });
    await call(s.base, 'POST', `/api/proposals/${p.id}/approve`, undefined, H('bob'));
    await call(s.base, 'POST', `/api/proposals/${p.id}/apply`, undefined, H('alice'));
    const res = await call(s.base, 'GET', `/api/audit?zone=${zone}`);
    expect(res.status).toBe(200);
    const { entries } = AuditListResponseSchema.parse(res.body);
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['alice', 'proposal.applied'],
      ['alice', 'changes.applied'],
      ['bob', 'proposal.approved'],
      ['alice', 'proposal.created'],
      ['admin-env', 'changes.applied'],
      ['admin-env', 'zone.created'],
    ]);
    const limited = AuditListResponseSchema.parse(
      (await call(s.base, 'GET', `/api/audit?zone=${zone}&limit=2`)).body,
    );
    expect(limited.entries).toEqual(entries.slice(0, 2));
    const older = AuditListResponseSchema.parse(
      (await call(s.base, 'GET', `/api/audit?zone=${zone}&before=${entries[1]?.id}`)).body,
    );
    expect(older.entries).toEqual(entries.slice(2));
    expect((await call(s.base, 'GET', '/api/audit?zone=not-a-zone')).status).toBe(400);
  });

  it('cannot be edited or deleted: no route does it, and the database refuses too', async () => {
    const { entries } = AuditListResponseSchema.parse(
      (await call(s.base, 'GET', '/api/audit')).body,
    );
    const first = entries.at(-1);
    if (!first) throw new Error('the audit log is empty');
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      for (const path of ['/api/audit', `/api/audit/${first.id}`]) {
        const res = await call(
          s.base,
          method,
          path,
          method === 'DELETE' ? undefined : {},
          H('admin'),
        );
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(errorOf(res).code).toBe('MethodNotAllowed');
      }
    }
    // The database's own refusal: SQLite's here; PostgreSQL's trigger is in its contract tests.
    if (process.env.LATENCY_ATLAS_TEST_DATABASE === 'postgres') return;
    const raw = new Database(s.dbFile);
    try {
      expect(() =>
        raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = ?").run(first.id),
      ).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    const after = AuditListResponseSchema.parse((await call(s.base, 'GET', '/api/audit')).body);
    expect(after.entries.at(-1)).toEqual(first);
  });
});

describe('private reads (LATENCY_ATLAS_PRIVATE=1)', () => {
  it('needs a viewer token for reads; health stays open', async () => {
    const p = await startTestServer({ demo: true, privateReads: true });
    try {
      expect((await call(p.base, 'GET', '/api/zones')).status).toBe(401);
      expect((await call(p.base, 'GET', '/api/health')).status).toBe(200);
      const viewer = { authorization: `Bearer ${await p.createToken('vic', 'viewer')}` };
      expect((await call(p.base, 'GET', '/api/zones', undefined, viewer)).status).toBe(200);
      expect((await call(p.base, 'POST', '/api/zones', { name: 'x.example' }, viewer)).status).toBe(
        403,
      );
    } finally {
      await p.close();
    }
  });
});
