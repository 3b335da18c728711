import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  ADMIN_HEADERS,
  api,
  bearer,
  createToken,
  demoZoneId,
  expect,
  latencyA,
  openZone,
  recordTable,
  signIn,
  test,
} from './support';

/**
 * Full-page screenshots of the main views in light and dark, saved as test artifacts under
 * test-results/screenshots/ for a person to look at. Each also checks the view is really there.
 */
const LISTING = join(import.meta.dirname, 'fixtures', 'route53-list-resource-record-sets.json');
const BATCH = join(import.meta.dirname, 'fixtures', 'route53-change-batch.json');

async function settleMap(page: Page) {
  // The map is the other feature's; wait for its loaded flag when it gets there, but a screenshot
  // of a failing map is still worth having.
  await page
    .locator('[data-testid="atlas-map"][data-map-loaded]')
    .waitFor({ timeout: 20_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

async function shoot(page: Page, name: string, theme: string) {
  const dir = join(test.info().project.outputDir, 'screenshots');
  await page.screenshot({ path: join(dir, `${name}-${theme}.png`), fullPage: true });
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`screenshots (${theme})`, () => {
    test.use({ colorScheme: theme });

    test('records, preview, form', async ({ page, request }) => {
      const zoneId = await demoZoneId(request);
      await openZone(page, zoneId, { name: 'app.example.com', type: 'A' });
      await expect(recordTable(page).getByRole('row').filter({ hasText: 'oregon' })).toBeVisible();
      expect(await page.evaluate(() => getComputedStyle(document.body).colorScheme)).toContain(
        theme,
      );
      await settleMap(page);
      await shoot(page, 'records', theme);

      await openZone(page, zoneId, {
        name: 'app.example.com',
        type: 'A',
        tab: 'preview',
        city: '2643743',
        cityLabel: 'London, GB',
      });
      await settleMap(page);
      await shoot(page, 'preview-london', theme);

      await openZone(page, zoneId, { name: 'app.example.com', type: 'A' });
      await recordTable(page)
        .getByRole('row')
        .filter({ hasText: 'oregon' })
        .getByRole('button', { name: /^Edit/ })
        .click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Values').fill('192.0.2.10\n999.1.1.1');
      await expect(dialog.getByText('"999.1.1.1" is not a valid IPv4 address')).toBeVisible();
      await shoot(page, 'record-form-error', theme);
      await dialog.getByRole('combobox', { name: 'Region' }).fill('ap-');
      await expect(
        dialog.getByRole('listbox', { name: 'Region options' }).getByRole('option').first(),
      ).toBeVisible();
      await shoot(page, 'region-picker', theme);
    });

    test('review with impact and maps, history', async ({ browser, request, zone }) => {
      test.slow(); // three maps under SwiftShader
      const alice = await createToken('alice', 'editor');
      const bob = await createToken('bob', 'approver');
      const oregon = latencyA(zone.name, 'app', 'oregon', 'us-west-2', '192.0.2.10');
      const singapore = latencyA(zone.name, 'app', 'singapore', 'ap-southeast-1', '192.0.2.20');
      await api(request).change(zone.id, {
        Comment: 'Oregon and Singapore',
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: oregon },
          { Action: 'CREATE', ResourceRecordSet: singapore },
        ],
      });
      await request.put(`/api/zones/${zone.id}/settings`, {
        data: { requireApproval: true },
        headers: ADMIN_HEADERS,
      });
      const created = await request.post(`/api/zones/${zone.id}/proposals`, {
        data: {
          Comment: 'Retire Singapore',
          Changes: [{ Action: 'DELETE', ResourceRecordSet: singapore }],
        },
        headers: bearer(alice.token),
      });
      expect(created.status()).toBe(201);
      const pid = (await created.json()).id as string;

      const context = await browser.newContext({
        colorScheme: theme,
        viewport: { width: 1440, height: 1400 },
      });
      const page = await context.newPage();
      await signIn(page, bob.token);
      await openZone(page, zone.id, {
        name: `app.${zone.name}`,
        type: 'A',
        tab: 'review',
        proposal: pid,
      });
      const view = page.getByRole('article', { name: `Proposal ${pid}` });
      await expect(view.getByRole('article', { name: /^Impact on app/ })).toBeVisible({
        timeout: 30_000,
      });
      const maps = page.locator('[data-testid="atlas-map"]');
      await expect(maps).toHaveCount(3);
      for (let i = 0; i < 3; i++)
        await expect(maps.nth(i)).toHaveAttribute('data-catchment-ready', 'true', {
          timeout: 30_000,
        });
      await page.waitForTimeout(500);
      await shoot(page, 'review', theme);
      // Further down the proposal: a city check and the before/after maps.
      await view.getByRole('textbox', { name: 'Check a city' }).fill('Tokyo');
      await view.getByRole('button', { name: 'Check' }).click();
      await expect(view.locator('.city-check-result')).toContainText('moves');
      await view.locator('.compare-maps').evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await page.waitForTimeout(300);
      await shoot(page, 'review-maps', theme);

      await view.getByRole('button', { name: 'Approve' }).click();
      await expect(view.locator('.status-chip').first()).toHaveText('approved');
      await view.getByRole('button', { name: 'Apply' }).click();
      await expect(view.locator('.status-chip').first()).toHaveText('applied');
      await openZone(page, zone.id, { name: `app.${zone.name}`, type: 'A', tab: 'history' });
      const top = page.getByRole('list', { name: 'Applied changes' }).getByRole('listitem').first();
      await top.getByRole('button', { expanded: false }).click();
      await expect(top.getByRole('article', { name: /^Impact on app/ })).toBeVisible();
      await settleMap(page);
      await shoot(page, 'history', theme);
      await context.close();
    });

    test('import diff, empty zone', async ({ page, request, zone }) => {
      await openZone(page, zone.id);
      await expect(page.getByText(`${zone.name} has no records yet`)).toBeVisible();
      await settleMap(page);
      await shoot(page, 'empty-zone', theme);

      const rename = (text: string) => text.replaceAll('shop.example.net', zone.name);
      const listing = JSON.parse(rename(await readFile(LISTING, 'utf8')));
      await api(request).change(zone.id, {
        Changes: listing.ResourceRecordSets.filter(
          (r: { Type: string }) => r.Type !== 'NS' && r.Type !== 'SOA',
        ).map((r: object) => ({ Action: 'CREATE', ResourceRecordSet: r })),
      });
      await openZone(page, zone.id, { tab: 'import-export' });
      await page
        .getByLabel('Route 53 JSON', { exact: true })
        .fill(rename(await readFile(BATCH, 'utf8')));
      await expect(page.getByRole('button', { name: 'Apply 3 changes' })).toBeEnabled();
      await settleMap(page);
      await shoot(page, 'import-diff', theme);
    });
  });
}
