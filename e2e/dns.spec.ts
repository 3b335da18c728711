import type { APIRequestContext, Page } from '@playwright/test';
import type { DnsStatus } from '../src/shared/dns';
import { api, demoZoneId, expect, latencyA, openZone, test } from './support';

/**
 * The DNS endpoint on the dashboard, against the real authoritative server the e2e server runs:
 * the header indicator, and the preview asking the DNS server the engine's question.
 */

async function dnsStatus(request: APIRequestContext): Promise<DnsStatus> {
  const res = await request.get('/api/dns');
  expect(res.ok()).toBe(true);
  return (await res.json()) as DnsStatus;
}

const indicator = (page: Page) => page.getByTestId('dns-indicator');
const dnsAnswer = (page: Page) => page.getByRole('region', { name: 'DNS server answer' });

test.describe('DNS endpoint', () => {
  test('the header shows the endpoint in sync, with a dig line for the zone SOA', async ({
    page,
    request,
  }) => {
    const status = await dnsStatus(request);
    expect(status.enabled).toBe(true);
    const zoneId = await demoZoneId(request);
    const zone = status.zones.find((z) => z.id === zoneId);
    await openZone(page, zoneId);

    const pill = indicator(page);
    await expect(pill).toHaveText(
      new RegExp(`^DNS ${status.host}:${status.port} · serial ${zone?.serial} · in sync$`),
    );
    await expect(pill).toHaveAttribute('data-state', 'in-sync');
    await expect(pill).toHaveAttribute('aria-expanded', 'false');

    await pill.click();
    await expect(pill).toHaveAttribute('aria-expanded', 'true');
    const details = page.getByRole('region', { name: 'DNS endpoint' });
    await expect(details).toContainText(`${status.host}:${status.port} (UDP and TCP)`);
    await expect(details.getByTestId('dns-soa-dig')).toHaveText(
      `dig @${status.host} -p ${status.port} +norec example.com SOA`,
    );
    await expect(
      details.getByRole('button', { name: 'Copy the dig command for the SOA' }),
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
  });

  test('the preview asks the DNS server for 81.2.69.0/24 and it agrees with the engine', async ({
    page,
    request,
    context,
  }) => {
    const { host, port } = await dnsStatus(request);
    const zoneId = await demoZoneId(request);
    await openZone(page, zoneId, { name: 'app.example.com', type: 'A', tab: 'preview' });
    const address = page.getByRole('textbox', { name: 'IP address or client subnet' });
    await address.fill('81.2.69.0/24');
    await address.press('Enter');

    await expect(page.getByTestId('preview-record-data')).toHaveText('192.0.2.10');
    const answer = dnsAnswer(page);
    await expect(answer.getByTestId('dns-record-data')).toHaveText('192.0.2.10');
    await expect(answer.getByTestId('dns-rcode')).toHaveText('NOERROR');
    await expect(answer.getByTestId('dns-agreement')).toHaveText(/Agrees with the engine/);
    await expect(answer).toContainText(/scope \/\d+/);
    await expect(answer).toContainText(`${host}:${port} · UDP`);
    const dig = `dig @${host} -p ${port} +norec +subnet=81.2.69.0/24 app.example.com A`;
    await expect(answer.getByTestId('dns-dig')).toHaveText(dig);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await answer.getByRole('button', { name: 'Copy the dig command for this question' }).click();
    await expect(answer.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(dig);

    // Another subnet, another region: still the same answer from both.
    await address.fill('1.0.0.0/24');
    await address.press('Enter');
    await expect(answer.getByTestId('dns-dig')).toHaveText(
      `dig @${host} -p ${port} +norec +subnet=1.0.0.0/24 app.example.com A`,
    );
    await expect(answer.getByTestId('dns-agreement')).toHaveText(/Agrees with the engine/);
    await expect(answer.getByTestId('dns-record-data')).toHaveText(
      (await page.getByTestId('preview-record-data').textContent()) ?? '',
    );
  });

  test('a city has no DNS equivalent, and the panel says so', async ({ page, request }) => {
    const zoneId = await demoZoneId(request);
    await openZone(page, zoneId, {
      name: 'app.example.com',
      type: 'A',
      tab: 'preview',
      city: '2643743',
      cityLabel: 'London, GB',
    });
    await expect(page.getByTestId('preview-record-data')).toHaveText('192.0.2.10');
    await expect(dnsAnswer(page)).toContainText(
      'DNS can’t be asked for a city; pick an IP or subnet.',
    );
  });

  test('a change is served at once: the indicator and the DNS answer follow it', async ({
    page,
    request,
    zone,
  }) => {
    const client = api(request);
    await client.change(zone.id, {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'www', 'oregon', 'us-west-2', '192.0.2.33'),
        },
      ],
    });
    await openZone(page, zone.id, { name: `www.${zone.name}`, type: 'A', tab: 'preview' });
    const address = page.getByRole('textbox', { name: 'IP address or client subnet' });
    await address.fill('81.2.69.0/24');
    await address.press('Enter');
    await expect(dnsAnswer(page).getByTestId('dns-record-data')).toHaveText('192.0.2.33');
    const before = (await dnsStatus(request)).zones.find((z) => z.id === zone.id);

    await client.change(zone.id, {
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: latencyA(zone.name, 'www', 'oregon', 'us-west-2', '192.0.2.34'),
        },
      ],
    });
    // A change made elsewhere: the page learns of it from the status, polled every 15 s and
    // asked again when the tab becomes visible (what this event stands for).
    await expect(async () => {
      await page.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
      await expect(indicator(page)).toHaveText(
        new RegExp(`serial ${(before?.serial ?? 0) + 1} · in sync$`),
        { timeout: 1_500 },
      );
    }).toPass({ timeout: 20_000 });
    await expect(indicator(page)).toHaveAttribute('data-state', 'in-sync');
    // The engine's answer and the DNS server's are both asked again for the new version.
    await expect(page.getByTestId('preview-record-data')).toHaveText('192.0.2.34');
    await expect(dnsAnswer(page).getByTestId('dns-record-data')).toHaveText('192.0.2.34');
    await expect(dnsAnswer(page).getByTestId('dns-agreement')).toHaveText(/Agrees with the engine/);
  });
});
