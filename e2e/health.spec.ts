import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Page } from '@playwright/test';
import type { ResourceRecordSet } from '../src/engine/types';
import type { HealthCheckResponse } from '../src/shared/health';
import {
  ADMIN_HEADERS,
  api,
  demoZoneId,
  expect,
  openZone,
  pixelAt,
  recordTable,
  test,
} from './support';

/**
 * Health checks that really probe: an HTTP endpoint this test starts on 127.0.0.1 answers 200,
 * then 503, then 200 again; the e2e server (LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1, a fast interval)
 * probes it, and the dashboard, pushed by the server's event stream, turns the record red, marks
 * its map marker and moves the catchment, then back, all without a reload.
 */

const MAP = '[data-testid="atlas-map"]';

/** A tiny endpoint whose answer the test flips. */
async function startEndpoint(): Promise<{
  server: Server;
  port: number;
  setStatus: (s: number) => void;
}> {
  let status = 200;
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end(status === 200 ? 'ok\n' : 'down for the test\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, setStatus: (s) => (status = s) };
}

async function setHealthCheck(
  request: APIRequestContext,
  zoneId: string,
  record: ResourceRecordSet,
  healthCheckId: string | undefined,
) {
  const { HealthCheckId: _old, ...rest } = record;
  await api(request).change(zoneId, {
    Comment: healthCheckId ? 'e2e: attach a health check' : 'e2e: detach the health check',
    Changes: [
      {
        Action: 'UPSERT',
        ResourceRecordSet: healthCheckId ? { ...rest, HealthCheckId: healthCheckId } : rest,
      },
    ],
  });
}

/** Brazil's pixel once the map has drawn everything pending. */
async function brazil(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__atlasMap;
        if (!map) throw new Error('no map');
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
  return pixelAt(page, -10, -55);
}

test.describe('health checks', () => {
  test('a probed record turns red, its marker and the catchment follow, and it comes back', async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const endpoint = await startEndpoint();
    const zoneId = await demoZoneId(request);
    const oregon = (await api(request).rrsets(zoneId)).find(
      (r) => r.Name === 'app.example.com.' && r.SetIdentifier === 'oregon',
    );
    if (!oregon) throw new Error('the demo record app.example.com oregon is missing');
    let checkId: string | undefined;
    try {
      const created = await request.post('/api/health-checks', {
        headers: ADMIN_HEADERS,
        data: {
          Name: 'oregon e2e',
          HealthCheckConfig: {
            Type: 'HTTP',
            IPAddress: '127.0.0.1',
            Port: endpoint.port,
            ResourcePath: '/health',
            RequestInterval: 10,
            FailureThreshold: 1,
          },
        },
      });
      expect(created.status(), await created.text()).toBe(201);
      checkId = ((await created.json()) as HealthCheckResponse).HealthCheck.Id;
      await setHealthCheck(request, zoneId, oregon, checkId);

      await openZone(page, zoneId, { name: 'app.example.com', type: 'A' });
      await expect(page.locator(MAP)).toHaveAttribute('data-map-loaded', 'true', {
        timeout: 30_000,
      });
      await expect(page.locator(MAP)).toHaveAttribute('data-catchment-ready', 'true', {
        timeout: 30_000,
      });
      // A flag on the window: it survives only if the page never reloads.
      await page.evaluate(() => {
        (window as unknown as { __noReload: boolean }).__noReload = true;
      });
      await page.evaluate(() => window.__atlasMap?.jumpTo({ center: [-55, -10], zoom: 2 }));

      const row = recordTable(page).getByRole('row').filter({ hasText: 'oregon' });
      const badge = row.getByTestId('health-badge');
      const legend = page.getByRole('region', { name: 'Catchment legend' });
      const oregonShare = legend.locator('[data-region="us-west-2"] .atlas-legend-share');
      const marker = page.locator(`${MAP} .atlas-marker[data-region="us-west-2"]`);

      // Healthy first: green words, oregon wins the Americas (Brazil in us-west-2's green).
      // (The first probe's result shows without waiting for the 30 s refresh.)
      await expect(badge).toContainText('OK 200', { timeout: 45_000 });
      await expect(badge).toHaveText(/^Healthy/);
      await expect(badge).toHaveAttribute('data-healthy', 'true');
      await expect(oregonShare).not.toHaveText('0%');
      const before = await brazil(page);
      expect(before[1]).toBeGreaterThan(before[0] + 40);

      // The endpoint fails: the row turns red and says so, the marker is marked, the catchment
      // moves to Singapore; no reload, no poll every second.
      const started = Date.now();
      endpoint.setStatus(503);
      await expect(badge).toHaveText(/^Unhealthy/, { timeout: 45_000 });
      await expect(badge).toHaveAttribute('data-healthy', 'false');
      await expect(badge).toContainText('HTTP 503');
      expect(
        await badge.locator('.health-label').evaluate((el) => getComputedStyle(el).color),
      ).not.toBe(
        await row
          .locator('td')
          .first()
          .evaluate((el) => getComputedStyle(el).color),
      );
      await expect(marker).toHaveClass(/is-unhealthy/);
      await expect(marker).toHaveAccessibleName(/unhealthy/);
      await expect(page.getByTestId('health-news')).toHaveText(
        'us-west-2 oregon is now unhealthy.',
      );
      await expect(oregonShare).toHaveText('0%');
      await expect(legend.locator('[data-region="us-west-2"]')).toHaveClass(/is-unhealthy/);
      await expect
        .poll(
          async () => {
            const px = await brazil(page);
            return (
              px[0] > px[2] + 60 && Math.abs(px[0] - before[0]) + Math.abs(px[1] - before[1]) > 40
            );
          },
          { timeout: 15_000 },
        )
        .toBe(true); // amber now: ap-southeast-1
      // Faster than any refresh the page would do on its own (30 s): the server pushed it.
      expect(Date.now() - started).toBeLessThan(25_000);
      test.info().annotations.push({
        type: 'flip',
        description: `unhealthy on screen ${Math.round((Date.now() - started) / 1000)} s after the 503s began`,
      });

      // The Health checks tab says the same, with the observation.
      await page.getByRole('tab', { name: /Health checks/ }).click();
      const checks = page.getByRole('table', { name: 'Health checks' });
      const checkRow = checks.getByRole('row').filter({ hasText: 'oregon e2e' });
      await expect(checkRow.getByTestId('health-badge')).toContainText('Unhealthy');
      await expect(checkRow).toContainText(`http://127.0.0.1:${endpoint.port}/health`);
      await expect(checkRow).toContainText('app.example.com A oregon');
      await page.getByRole('tab', { name: /^Records/ }).click();

      // Back to 200: healthy again, the catchment returns.
      endpoint.setStatus(200);
      await expect(badge).toHaveText(/^Healthy/, { timeout: 45_000 });
      await expect(marker).not.toHaveClass(/is-unhealthy/);
      await expect(page.getByTestId('health-news')).toHaveText('us-west-2 oregon is now healthy.');
      await expect(oregonShare).not.toHaveText('0%');
      await expect
        .poll(
          async () => {
            const px = await brazil(page);
            return px[1] > px[0] + 40;
          },
          { timeout: 15_000 },
        )
        .toBe(true);

      // History shows the outage between the batches: down, then back.
      await page.getByRole('tab', { name: 'History' }).click();
      const outage = page.locator(`[data-health-outage="${checkId}"]`).first();
      await expect(outage).toContainText(
        /us-west-2 unhealthy at \d\d:\d\d UTC, healthy at \d\d:\d\d UTC/,
      );

      expect(
        await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
      ).toBe(true);
    } finally {
      await setHealthCheck(request, zoneId, oregon, oregon.HealthCheckId).catch(() => undefined);
      if (checkId) {
        await request
          .delete(`/api/health-checks/${checkId}`, { headers: ADMIN_HEADERS })
          .catch(() => undefined);
      }
      await new Promise<void>((resolve) => endpoint.server.close(() => resolve()));
    }
  });

  test('the editor names each bad field live, for the type chosen', async ({ page, request }) => {
    const zoneId = await demoZoneId(request);
    await openZone(page, zoneId, { tab: 'health' });
    await page.getByRole('button', { name: 'New health check' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New health check' });
    await dialog.getByLabel('Name', { exact: true }).fill('bad port');
    await dialog.getByLabel('IP address').fill('192.0.2.44');
    await dialog.getByLabel('Port').fill('70000');
    await dialog.getByLabel('Port').blur();
    await expect(dialog.getByText('Port must be between 1 and 65535')).toBeVisible();
    await expect(dialog.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');

    await dialog.getByLabel('Type').selectOption('HTTP_STR_MATCH');
    await dialog.getByLabel('Port').fill('8080');
    await dialog.getByRole('button', { name: 'Create health check' }).click();
    await expect(dialog.getByText('SearchString is required for HTTP_STR_MATCH')).toBeVisible();
    await dialog.getByLabel('Search string').fill('ok');
    await expect(dialog.locator('.field-error')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  test('a stale edit is explained (409), and a check in use cannot be deleted (409)', async ({
    page,
    request,
  }) => {
    const zoneId = await demoZoneId(request);
    const created = await request.post('/api/health-checks', {
      headers: ADMIN_HEADERS,
      data: {
        Name: 'singapore e2e',
        HealthCheckConfig: { Type: 'TCP', IPAddress: '127.0.0.1', Port: 9, Disabled: true },
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const check = ((await created.json()) as HealthCheckResponse).HealthCheck;
    const singapore = (await api(request).rrsets(zoneId)).find(
      (r) => r.Name === 'app.example.com.' && r.SetIdentifier === 'singapore',
    );
    if (!singapore) throw new Error('the demo record app.example.com singapore is missing');
    try {
      await openZone(page, zoneId, { tab: 'health' });
      const row = page
        .getByRole('table', { name: 'Health checks' })
        .getByRole('row')
        .filter({ hasText: 'singapore e2e' });
      await expect(row.getByTestId('health-badge')).toContainText('Healthy (disabled)');
      await row.getByRole('button', { name: 'Edit singapore e2e' }).click();
      const dialog = page.getByRole('dialog', { name: /Edit health check/ });
      await expect(dialog.getByLabel('Type')).toBeDisabled();
      // Someone else saves first.
      const other = await request.patch(`/api/health-checks/${check.Id}`, {
        headers: ADMIN_HEADERS,
        data: { HealthCheckVersion: check.HealthCheckVersion, FailureThreshold: 5 },
      });
      expect(other.ok(), await other.text()).toBe(true);
      await dialog.getByLabel('Failure threshold').fill('2');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await expect(dialog.getByRole('alert')).toContainText(
        'Someone else changed this health check',
      );
      await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();

      // In use by a record: the delete is refused and the record named.
      await setHealthCheck(request, zoneId, singapore, check.Id);
      await expect(row).toContainText('app.example.com A singapore');
      await row.getByRole('button', { name: 'Delete singapore e2e' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      const refusal = page.locator('.health-delete-error');
      await expect(refusal).toContainText('still used by');
      await expect(refusal).toContainText('app.example.com A singapore');

      // The record form picks the check by name from a list.
      await page.getByRole('tab', { name: /^Records/ }).click();
      await recordTable(page)
        .getByRole('row')
        .filter({ hasText: 'singapore' })
        .getByRole('button', { name: /^Edit/ })
        .click();
      const form = page.getByRole('dialog');
      const picker = form.getByRole('combobox', { name: 'Health check (optional)' });
      await expect(picker).toHaveValue(`singapore e2e — ${check.Id}`);
      await picker.fill('');
      await expect(
        form.getByRole('listbox', { name: 'Health check (optional) options' }),
      ).toContainText('singapore e2e');
      await page.keyboard.press('Escape');
    } finally {
      await setHealthCheck(request, zoneId, singapore, singapore.HealthCheckId).catch(
        () => undefined,
      );
      await request
        .delete(`/api/health-checks/${check.Id}`, { headers: ADMIN_HEADERS })
        .catch(() => undefined);
    }
  });
});
