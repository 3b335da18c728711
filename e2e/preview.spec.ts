import type { Page } from '@playwright/test';
import { demoZoneId, expect, openZone, test } from './support';

/**
 * The routing preview for the demo's app.example.com (oregon/us-west-2, singapore/ap-southeast-1)
 * through the real API: city autocomplete, IP and subnet, URL state, simulated failure.
 */

async function openPreview(page: Page, zoneId: string, extra: Record<string, string> = {}) {
  await openZone(page, zoneId, { name: 'app.example.com', type: 'A', tab: 'preview', ...extra });
  await expect(page.getByRole('tab', { name: 'Preview' })).toHaveAttribute('aria-selected', 'true');
}

/** Requests to testdnsanswer the page makes (to prove a bad input never reached the server). */
function watchPreviewRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/testdnsanswer?')) seen.push(decodeURIComponent(r.url()));
  });
  return seen;
}

const chosen = (page: Page) => page.getByTestId('preview-chosen');

test.describe('routing preview', () => {
  test('London routes to us-west-2 and Tokyo to ap-southeast-1 (city autocomplete)', async ({
    page,
    request,
  }, testInfo) => {
    const zoneId = await demoZoneId(request);
    await openPreview(page, zoneId);
    const city = page.getByRole('combobox', { name: 'City' });

    // Mouse: type a prefix, pick the option.
    await city.fill('Lond');
    await page
      .getByRole('option', { name: /^London, GB/ })
      .first()
      .click();
    await expect(city).toHaveValue('London, GB');
    await expect(chosen(page)).toHaveAttribute('data-region', 'us-west-2');
    await expect(chosen(page)).toHaveAttribute('data-set', 'oregon');
    await expect(page.getByTestId('preview-record-data')).toHaveText('192.0.2.10');
    await expect(page.getByTestId('preview-client')).toHaveText('London, GB (city)');

    // Keyboard: type, arrow down to the first suggestion, Enter.
    await city.fill('Tokyo');
    await expect(page.getByRole('option', { name: /^Tokyo, JP/ }).first()).toBeVisible();
    await city.press('ArrowDown');
    await expect(city).toHaveAttribute('aria-activedescendant', /.+/);
    await city.press('Enter');
    await expect(city).toHaveValue('Tokyo, JP');
    await expect(chosen(page)).toHaveAttribute('data-region', 'ap-southeast-1');
    await expect(page.getByTestId('preview-record-data')).toHaveText('192.0.2.20');

    // Both candidates ranked, best first, with RTT bars.
    const candidates = page.getByRole('list', { name: /Candidates/ }).getByRole('listitem');
    await expect(candidates).toHaveCount(2);
    await expect(candidates.first()).toHaveAttribute('data-region', 'ap-southeast-1');
    await expect(
      candidates.first().getByRole('img', { name: /estimated RTT .* ms, range/ }),
    ).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('preview-tokyo.png'), fullPage: true });
    await testInfo.attach('preview-tokyo', { path: testInfo.outputPath('preview-tokyo.png') });
  });

  test('an IP address shows the located place; a bad one is refused at the field', async ({
    page,
    request,
  }) => {
    const zoneId = await demoZoneId(request);
    const requests = watchPreviewRequests(page);
    await openPreview(page, zoneId);
    const address = page.getByRole('textbox', { name: 'IP address or client subnet' });

    await address.fill('999.1.1.1');
    await address.press('Enter');
    await expect(address).toHaveAttribute('aria-invalid', 'true');
    await expect(
      page.getByRole('alert').filter({ hasText: '"999.1.1.1" is not a valid' }),
    ).toBeVisible();
    expect(requests.some((u) => u.includes('999.1.1.1'))).toBe(false);

    await address.fill('81.2.69.160');
    await address.press('Enter');
    await expect(page.getByTestId('preview-client')).toHaveText('London, GB (from IP 81.2.69.160)');
    await expect(chosen(page)).toHaveAttribute('data-region', 'us-west-2');
    await expect(address).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('IP location data by')).toBeVisible();

    // A private address passes the syntax check; the server's "no location" lands at the field.
    await address.fill('10.1.2.3');
    await address.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: 'private range' })).toBeVisible();
    await expect(address).toHaveAttribute('aria-invalid', 'true');
  });

  test('a client subnet is truncated like EDNS client subnet, with its dig line', async ({
    page,
    request,
  }) => {
    const zoneId = await demoZoneId(request);
    await openPreview(page, zoneId);
    const address = page.getByRole('textbox', { name: 'IP address or client subnet' });

    await address.fill('81.2.69.0/40');
    await address.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: 'out of range' })).toBeVisible();

    await address.fill('81.2.69.160/24');
    await address.press('Enter');
    await expect(page.getByTestId('preview-client')).toHaveText(
      /\(from subnet 81\.2\.69\.0\/24\)$/,
    );
    await expect(chosen(page)).toHaveAttribute('data-region', 'us-west-2');
    await expect(page.getByTestId('preview-dig')).toHaveText(
      'dig +subnet=81.2.69.0/24 app.example.com A',
    );
    expect(new URL(page.url()).searchParams.get('subnet')).toBe('81.2.69.0/24');
  });

  test('the URL holds the preview: a reload (or a shared link) shows the same answer', async ({
    page,
    request,
  }) => {
    test.slow(); // three full page loads, each drawing the map under SwiftShader
    const zoneId = await demoZoneId(request);
    await openPreview(page, zoneId);
    const city = page.getByRole('combobox', { name: 'City' });
    await city.fill('Tokyo');
    await page
      .getByRole('option', { name: /^Tokyo, JP/ })
      .first()
      .click();
    await expect(chosen(page)).toHaveAttribute('data-region', 'ap-southeast-1');
    const link = page.url();
    expect(new URL(link).searchParams.get('city')).toBe('1850147');

    await page.reload();
    await expect(page.getByRole('combobox', { name: 'City' })).toHaveValue('Tokyo, JP');
    await expect(chosen(page)).toHaveAttribute('data-region', 'ap-southeast-1');

    // The same link in a fresh page.
    const other = await page.context().newPage();
    await other.goto(link);
    await expect(other.getByTestId('preview-chosen')).toHaveAttribute(
      'data-region',
      'ap-southeast-1',
    );
    await other.close();
  });

  test('simulating the failure of the chosen record flips the answer to the other region', async ({
    page,
    request,
  }) => {
    const zoneId = await demoZoneId(request);
    await openPreview(page, zoneId, { city: '2643743', cityLabel: 'London, GB' });
    await expect(chosen(page)).toHaveAttribute('data-region', 'us-west-2');

    const fail = page.getByRole('switch', { name: 'Simulate failure of oregon (us-west-2)' });
    await fail.check();
    await expect(chosen(page)).toHaveAttribute('data-region', 'ap-southeast-1');
    await expect(page.getByTestId('preview-record-data')).toHaveText('192.0.2.20');
    const oregonRow = page
      .getByRole('list', { name: /Candidates/ })
      .getByRole('listitem')
      .filter({ has: page.getByText('oregon', { exact: true }) });
    await expect(oregonRow).toHaveClass(/is-unhealthy/);
    expect(new URL(page.url()).searchParams.get('fail')).toBe('oregon');

    // Both down: Route 53 treats all as healthy again and answers with the nearest.
    await page
      .getByRole('switch', { name: 'Simulate failure of singapore (ap-southeast-1)' })
      .check();
    await expect(chosen(page)).toHaveAttribute('data-region', 'us-west-2');
    await expect(page.getByText('Every candidate is unhealthy')).toBeVisible();

    await page
      .getByRole('switch', { name: 'Simulate failure of singapore (ap-southeast-1)' })
      .uncheck();
    await fail.uncheck();
    await expect(chosen(page)).toHaveAttribute('data-region', 'us-west-2');
    expect(new URL(page.url()).searchParams.get('fail')).toBeNull();
  });
});
