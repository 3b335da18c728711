import type { APIRequestContext, Page } from '@playwright/test';
import { regionColorRgb } from '../src/web/lib/region-colors';
import { ADMIN_HEADERS, api, expect, latencyA, openZone, pixelAt, test } from './support';

/**
 * Measured latency in the dashboard, against the real server and Chromium: measurements posted
 * for places around Sydney say Singapore answers faster than the Sydney region (the opposite of
 * distance); switching the zone to the measured model in the UI moves them on the map and in the
 * preview; the time slider replays an older week (when measurements agreed with distance); a
 * CSV imported through the UI reports its progress and rejected rows.
 */

const MAP = '[data-testid="atlas-map"]';
const DAY = 86_400_000;
/** Inland New South Wales (the catchment is painted over land only). */
const PLACE = { lat: -33.5, lon: 150.5 };

/** Measurements on a 5 × 5 grid of places half a degree apart around Sydney, `daysAgo`. */
function sydneyRows(daysAgo: number, rtt: { sydney: number; singapore: number }): string[] {
  const at = new Date(Date.now() - daysAgo * DAY).toISOString();
  const rows: string[] = [];
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      const lat = (-33.87 + dy * 0.5).toFixed(3);
      const lon = (151.21 + dx * 0.5).toFixed(3);
      for (let k = 0; k < 6; k++) {
        rows.push(`${at},ap-southeast-2,${rtt.sydney + k},${lat},${lon},e2e`);
        rows.push(`${at},ap-southeast-1,${rtt.singapore + k},${lat},${lon},e2e`);
      }
    }
  }
  return rows;
}

async function postCsv(request: APIRequestContext, rows: string[]) {
  const res = await request.post('/api/measurements', {
    headers: { ...ADMIN_HEADERS, 'content-type': 'text/csv' },
    data: `at,region,rttMs,lat,lon,source\n${rows.join('\n')}\n`,
  });
  expect(res.status()).toBe(202);
  const body = (await res.json()) as { accepted: number; rejected: unknown[] };
  expect(body.rejected).toEqual([]);
  expect(body.accepted).toBe(rows.length);
}

/** Which of two regions' colours the map shows at lat/lon (the catchment is drawn translucent). */
async function regionAt(page: Page, lat: number, lon: number, regions: [string, string]) {
  const px = await pixelAt(page, lat, lon);
  const dist = (code: string) => {
    const c = regionColorRgb(code);
    return Math.hypot(px[0] - c[0], px[1] - c[1], px[2] - c[2]);
  };
  return dist(regions[0]) < dist(regions[1]) ? regions[0] : regions[1];
}

async function jumpTo(page: Page, lon: number, lat: number, zoom: number) {
  await page.evaluate(
    ([lon, lat, zoom]) =>
      new Promise<void>((resolve) => {
        const map = window.__atlasMap;
        if (!map) throw new Error('no map');
        map.once('idle', () => resolve());
        map.jumpTo({ center: [lon, lat], zoom });
      }),
    [lon, lat, zoom] as const,
  );
}

async function mapReady(page: Page) {
  await expect(page.locator('section.map-section')).toHaveAttribute('data-replay-ready', 'true', {
    timeout: 30_000,
  });
  await expect(page.locator(MAP)).toHaveAttribute('data-catchment-ready', 'true', {
    timeout: 30_000,
  });
}

const REGIONS: [string, string] = ['ap-southeast-2', 'ap-southeast-1'];

test.describe('measured latency', () => {
  test('switch a zone to measured, see the map and preview move, replay an older week, import a CSV', async ({
    page,
    request,
    zone,
  }) => {
    test.slow();
    await api(request).change(zone.id, {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'app', 'sydney', 'ap-southeast-2', '192.0.2.1'),
        },
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'app', 'singapore', 'ap-southeast-1', '192.0.2.2'),
        },
      ],
    });
    // Now: Singapore measured fast from around Sydney (distance would say Sydney).
    await postCsv(request, [
      ...sydneyRows(0.1, { sydney: 150, singapore: 20 }),
      ...sydneyRows(1, { sydney: 150, singapore: 20 }),
    ]);
    // Three weeks ago: measurements that agree with distance.
    await postCsv(request, [
      ...sydneyRows(20, { sydney: 5, singapore: 200 }),
      ...sydneyRows(19.5, { sydney: 5, singapore: 200 }),
    ]);

    const name = `app.${zone.name}`;
    await openZone(page, zone.id, { name, type: 'A' });
    await expect(page.locator(MAP)).toHaveAttribute('data-map-loaded', 'true', { timeout: 30_000 });
    // A distance zone: the slider is there but disabled, with a hint.
    const slider = page.getByTestId('time-slider');
    await expect(slider.getByRole('slider', { name: 'Routing as of' })).toBeDisabled();
    await expect(slider).toContainText('routes by distance');
    await mapReady(page);
    await jumpTo(page, PLACE.lon, PLACE.lat, 4);
    expect(await regionAt(page, PLACE.lat, PLACE.lon, REGIONS)).toBe('ap-southeast-2');

    // The legend counts people as well as land.
    const legend = page.getByRole('region', { name: 'Catchment legend' });
    await expect(legend).toContainText('share of people');
    await expect(legend.locator('[data-region="ap-southeast-2"] .atlas-legend-people')).toHaveText(
      /%$/,
    );

    // Switch the zone to measured where its settings live (Review), as the admin.
    await page.getByRole('tab', { name: /Review/ }).click();
    const model = page.getByRole('group', { name: 'Routing model' });
    await model.getByRole('radio', { name: 'Measured latency' }).check();
    await expect(page.getByText(/now routes by measured latency/)).toBeVisible();
    await expect(model.getByRole('radio', { name: 'Measured latency' })).toBeChecked();

    // The catchment is rebuilt with the measured model: the place now goes to Singapore.
    await expect(page.locator('.atlas-map')).toHaveAttribute('data-latency-model', 'measured', {
      timeout: 30_000,
    });
    await mapReady(page);
    await expect
      .poll(() => regionAt(page, PLACE.lat, PLACE.lon, REGIONS), { timeout: 20_000 })
      .toBe('ap-southeast-1');
    // Far from any measurement (Perth) distance still decides.
    await jumpTo(page, 115.9, -31.9, 4);
    expect(await regionAt(page, -31.9, 115.9, REGIONS)).toBe('ap-southeast-2');
    await jumpTo(page, PLACE.lon, PLACE.lat, 4);

    // The slider: enabled now; the oldest position is three weeks back, when measurements
    // agreed with distance, so the place goes back to Sydney.
    const range = slider.getByRole('slider', { name: 'Routing as of' });
    await expect(range).toBeEnabled();
    const max = Number(await range.getAttribute('max'));
    expect(max).toBeGreaterThanOrEqual(18);
    await range.fill('0');
    await expect(page.getByTestId('time-slider-value')).toContainText(/(19|20) days ago/);
    // The map is redrawn for that time once the thumb rests (debounced).
    await expect
      .poll(async () => {
        const at = await page.locator('section.map-section').getAttribute('data-replay-at');
        return at ? Date.now() - Date.parse(at) : 0;
      })
      .toBeGreaterThan(18 * DAY);
    await mapReady(page);
    await expect
      .poll(() => regionAt(page, PLACE.lat, PLACE.lon, REGIONS), { timeout: 20_000 })
      .toBe('ap-southeast-2');

    // Back to now, compared with a week before: the moved place is hatched and counted.
    await range.fill(String(max));
    await expect(page.getByTestId('time-slider-value')).toContainText('now');
    await slider.getByRole('checkbox', { name: 'Compare with a week before' }).check();
    const compare = page.locator('.atlas-map[data-compare="true"]');
    await expect(compare).toHaveCount(1, { timeout: 30_000 });
    await expect(compare).toHaveAttribute('data-changed-share', /^0\.0*[1-9]/);
    await expect(compare).toHaveAttribute('data-changed-people', /^0\.0*[1-9]/);
    await expect(legend).toContainText('changes region');

    // The preview routes the place by the measurements and says so per candidate.
    await openZone(page, zone.id, {
      name,
      type: 'A',
      tab: 'preview',
      lat: String(-33.87),
      lon: String(151.21),
    });
    const chosen = page.getByTestId('preview-chosen');
    await expect(chosen).toHaveAttribute('data-region', 'ap-southeast-1');
    const singapore = page.locator('.candidate[data-region="ap-southeast-1"]');
    await expect(singapore.getByTestId('candidate-source')).toHaveAttribute(
      'data-source',
      'measured',
    );
    await expect(singapore.getByTestId('candidate-source')).toContainText(/measured · \d+ samples/);
    // The chart of measured RTT over time for the place and the chosen region.
    const chart = page.getByTestId('rtt-chart');
    await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /Daily median RTT/);
    await expect(chart.locator('.rtt-chart-median')).toHaveCount(1);
    await expect(chart.locator('.rtt-chart-distance')).toHaveCount(1);

    // CSV import through the UI: 12,000 rows (two requests) with two bad ones.
    await page.getByRole('tab', { name: 'Measurements' }).click();
    const now = new Date().toISOString();
    const lines = ['at,region,rttMs,lat,lon,source'];
    for (let i = 0; i < 12_000; i++) {
      const region = i === 3 ? 'mars-1' : 'af-south-1';
      const rtt = i === 10_500 ? '-5' : String(10 + (i % 7));
      lines.push(`${now},${region},${rtt},-33.92,18.42,e2e-import`);
    }
    await page.getByLabel('CSV file of measurements').setInputFiles({
      name: 'cape-town.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${lines.join('\n')}\n`),
    });
    const result = page.getByTestId('measurement-import-result');
    await expect(result).toHaveText('cape-town.csv: 11,998 accepted, 2 rejected', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('measurement-import-sent')).toHaveText(
      '12,000 / 12,000 rows sent',
    );
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    await expect(rejected.getByRole('row').nth(1)).toContainText('3');
    await expect(rejected.getByRole('row').nth(1)).toContainText('region');
    await expect(rejected.getByRole('row').nth(2)).toContainText('10500');
    await expect(rejected.getByRole('row').nth(2)).toContainText('rttMs');
    await expect(page.getByTestId('measurements-summary')).toContainText('af-south-1');
  });
});
