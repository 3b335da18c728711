import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  type APIRequestContext,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from '@playwright/test';
import type { ChangeBatch, ResourceRecordSet } from '../src/engine/types';
import type { Role } from '../src/shared/auth';
import type { ZoneSummary } from '../src/shared/zones';
import { ADMIN_TOKEN } from './admin-token';
import { E2E_DB_FILE } from './e2e-env';

export { ADMIN_TOKEN };

/** Where the dashboard keeps the session's token (src/web/lib/session.ts). */
const TOKEN_KEY = 'latency-atlas.token';

/**
 * Sign `target` (a page, or every page of a context) in with `token` the way an operator would
 * end up: the token in the tab's sessionStorage before the app starts. Set once per tab, so a
 * sign-out in the UI survives reloads.
 */
export async function signIn(target: Page | BrowserContext, token: string): Promise<void> {
  await target.addInitScript(
    ({ key, value }) => {
      try {
        if (window.location.protocol !== 'http:') return;
        if (sessionStorage.getItem('latency-atlas.e2e-signed-in')) return;
        sessionStorage.setItem(key, value);
        sessionStorage.setItem('latency-atlas.e2e-signed-in', '1');
      } catch {
        // about:blank has no storage.
      }
    },
    { key: TOKEN_KEY, value: token },
  );
}

const run = promisify(execFile);
const madeTokens = new Map<string, string>();

/**
 * An API token with `role`, made with the real CLI (`npm run token -- create`) against the e2e
 * server's database, as an admin would. Names are unique per run (`alice`, or `alice-2` when a
 * retry already made `alice`); returns the name actually used and the secret.
 */
export async function createToken(
  name: string,
  role: Role,
): Promise<{ name: string; token: string }> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const n = attempt === 1 ? name : `${name}-${attempt}`;
    const cached = madeTokens.get(`${n}|${role}`);
    if (cached) return { name: n, token: cached };
    try {
      const { stdout } = await run(
        'npx',
        ['tsx', 'scripts/token.ts', 'create', '--name', n, '--role', role],
        { env: { ...process.env, DATABASE_URL: `sqlite:${E2E_DB_FILE}` } },
      );
      const token = stdout.trim().split('\n').pop() ?? '';
      madeTokens.set(`${n}|${role}`, token);
      return { name: n, token };
    } catch (e) {
      const err = e as { stderr?: string };
      if (!/already exists/.test(err.stderr ?? '')) throw e;
    }
  }
  throw new Error(`could not create a token named like ${name}`);
}

/** Authorization headers for a token. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

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

interface Options {
  /** The token each test's page is signed in with (default the admin's); null: signed out. */
  signedInAs: string | null;
}

interface Fixtures {
  /** A fresh, empty zone made through the API for this test, deleted afterwards. */
  zone: { id: string; name: string };
  /** Native dialogs (alert/confirm) the page opened: must stay empty. */
  pageDialogs: string[];
}

export const test = base.extend<Fixtures & Options>({
  signedInAs: [ADMIN_TOKEN, { option: true }],
  page: async ({ page, signedInAs }, use) => {
    if (signedInAs) await signIn(page, signedInAs);
    await use(page);
  },
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

/** RGB of the map's canvas at a geographic point (read back from the WebGL drawing buffer). */
export async function pixelAt(
  page: Page,
  lat: number,
  lon: number,
): Promise<[number, number, number]> {
  return page.evaluate(
    ([lat, lon]) => {
      const map = window.__atlasMap;
      if (!map) throw new Error('no map');
      const canvas = map.getCanvas();
      const p = map.project([lon, lat]);
      const scale = canvas.width / canvas.clientWidth;
      const ctx = document.createElement('canvas').getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.canvas.width = 1;
      ctx.canvas.height = 1;
      ctx.drawImage(canvas, Math.round(p.x * scale), Math.round(p.y * scale), 1, 1, 0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0] as [number, number, number];
    },
    [lat, lon] as const,
  );
}
