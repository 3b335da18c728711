import { call, type TestServer } from '../../test-server';

/**
 * Tests only: what the several-instances tests share (in-process test servers or real
 * processes over HTTP): waiting for a condition, making a zone, setting one A record.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `what` until `ok` holds or `ms` have passed; the last value either way. */
export async function until<T>(
  what: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
  everyMs = 20,
): Promise<T> {
  const started = Date.now();
  let v = await what();
  while (!ok(v) && Date.now() - started < ms) {
    await sleep(everyMs);
    v = await what();
  }
  return v;
}

type Target = Pick<TestServer, 'base' | 'adminHeaders'>;

/** POST /api/zones through `s`: the new zone's id (throws unless 201). */
export async function createZoneThrough(s: Target, name: string): Promise<string> {
  const res = await call(s.base, 'POST', '/api/zones', { name }, s.adminHeaders);
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${res.text}`);
  return (res.body as { id: string }).id;
}

/** One change batch through `s` setting `name` A `value` (CREATE or UPSERT). */
export function setA(
  s: Target,
  zone: string,
  name: string,
  value: string,
  action: 'CREATE' | 'UPSERT' = 'UPSERT',
) {
  return call(
    s.base,
    'POST',
    `/api/zones/${zone}/rrsets`,
    {
      Changes: [
        {
          Action: action,
          ResourceRecordSet: {
            Name: name,
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: value }],
          },
        },
      ],
    },
    s.adminHeaders,
  );
}
