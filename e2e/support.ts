import { type APIRequestContext, test as base, expect, type Page } from '@playwright/test';
import type { ChangeBatch, ResourceRecordSet } from '../src/engine/types';
import type { ZoneSummary } from '../src/shared/zones';
import { ADMIN_TOKEN } from './admin-token';

export { ADMIN_TOKEN };

/** Headers that act as the e2e admin token (writes need a token; reads do not). */
export const ADMIN_HEADERS = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** Thin client for the control API, for arranging and checking state behind the UI. */
export function api(request: APIRequestContext) {
  async function ok<T>(res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
    if (!res.ok()) throw new Error(`${res.url()} → ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return {
    zones: async () => ok<ZoneSummary[]>(await request.get('/api/zones')),
    createZone: async (name: string) =>
      ok<{ id: string; name: string }>(
        await request.post('/api/zones', { data: { name }, headers: ADMIN_HEADERS }),
      ),
    deleteZone: async (id: string) => {
      const res = await request.delete(`/api/zones/${id}?force=true`, {
        headers: ADMIN_HEADERS,
      });
      if (!res.ok() && res.status() !== 404) throw new Error(`delete zone ${id} → ${res.status()}`);
    },
    rrsets: async (zoneId: string) =>
      (
        await ok<{ ResourceRecordSets: ResourceRecordSet[] }>(
          await request.get(`/api/zones/${zoneId}/rrsets`),
        )
      ).ResourceRecordSets,
    change: async (zoneId: string, batch: ChangeBatch) =>
      ok<{ ChangeInfo: { Id: string; Status: string } }>(
        await request.post(`/api/zones/${zoneId}/rrsets`, { data: batch, headers: ADMIN_HEADERS }),
      ),
  };
}

/** Id of the demo zone `example.com` the server seeds into a fresh database. */
export async function demoZoneId(request: APIRequestContext): Promise<string> {
  const zone = (await api(request).zones()).find((z) => z.name === 'example.com');
  if (!zone) throw new Error('demo zone example.com is missing: was the database fresh?');
  return zone.id;
}

let zoneCounter = 0;

/** A unique zone name per test so specs never see each other's records. */
export function uniqueZoneName(prefix = 't'): string {
  zoneCounter += 1;
  return `${prefix}${Date.now().toString(36)}${zoneCounter}.example.test`;
}

/** A latency A record in `zone` (name relative to the zone). */
export function latencyA(
  zone: string,
  name: string,
  setIdentifier: string,
  region: string,
  value: string,
  ttl = 60,
): ResourceRecordSet {
  return {
    Name: `${name}.${zone}.`,
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: ttl,
    ResourceRecords: [{ Value: value }],
  };
}

/** Open the console on a zone (and optionally a name, type, tab). */
export async function openZone(
  page: Page,
  zoneId: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const params = new URLSearchParams({ zone: zoneId, ...extra });
  await page.goto(`/?${params}`);
  await expect(page.getByRole('tablist', { name: 'Zone views' })).toBeVisible();
}

/** The record-sets table; rows are found by their text. */
export function recordTable(page: Page) {
  return page.getByRole('region', { name: 'Record sets table' });
}

/** Every POST to a zone's rrsets the page makes, to prove nothing was sent. */
export function watchChangePosts(page: Page): string[] {
  const posts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && /\/api\/zones\/[^/]+\/rrsets/.test(req.url()))
      posts.push(req.url());
  });
  return posts;
}

interface Fixtures {
  /** A fresh, empty zone made through the API for this test, deleted afterwards. */
  zone: { id: string; name: string };
  /** Native dialogs (alert/confirm) the page opened: must stay empty. */
  pageDialogs: string[];
}

export const test = base.extend<Fixtures>({
  zone: async ({ request }, use) => {
    const client = api(request);
    const zone = await client.createZone(uniqueZoneName());
    await use(zone);
    await client.deleteZone(zone.id);
  },
  pageDialogs: async ({ page }, use) => {
    const seen: string[] = [];
    page.on('dialog', (d) => {
      seen.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    await use(seen);
  },
});

export { expect };
