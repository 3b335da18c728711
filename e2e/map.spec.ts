import type { Page } from '@playwright/test';
import type { FeatureCollection, MultiLineString } from 'geojson';
import { demoZoneId, expect, openZone, pixelAt, test } from './support';

/**
 * The atlas map against the real server and a real Chromium (WebGL through SwiftShader): it must
 * really draw (pixels, not just DOM), show the demo records as markers, colour the catchment with
 * the engine's routing, and preview a clicked point.
 */

const MAP = '[data-testid="atlas-map"]';

async function openApp(page: Page, zoneId: string, extra: Record<string, string> = {}) {
  await openZone(page, zoneId, { name: 'app.example.com', type: 'A', ...extra });
  // SwiftShader is slow: the first full render takes a few seconds.
  await expect(page.locator(MAP)).toHaveAttribute('data-map-loaded', 'true', { timeout: 30_000 });
  await expect(page.locator(MAP)).toHaveAttribute('data-catchment-ready', 'true', {
    timeout: 30_000,
  });
}

/** Move the camera and wait until the new view is fully drawn. */
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

/** Wait until the map has drawn every pending change (paint transitions included). */
async function waitForIdle(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__atlasMap;
        if (!map) throw new Error('no map');
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** How varied the drawn map is: distinct colours (4 bits per channel) and the top colour's share. */
async function canvasVariety(page: Page) {
  return page.evaluate(() => {
    const canvas = window.__atlasMap?.getCanvas();
    if (!canvas) throw new Error('no map');
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.canvas.width = canvas.width;
    ctx.canvas.height = canvas.height;
    ctx.drawImage(canvas, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map<number, number>();
    let n = 0;
    for (let y = 0; y < height; y += 5) {
      for (let x = 0; x < width; x += 5) {
        const i = (y * width + x) * 4;
        const key =
          ((data[i] ?? 0) >> 4) * 256 + ((data[i + 1] ?? 0) >> 4) * 16 + ((data[i + 2] ?? 0) >> 4);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        n++;
      }
    }
    return { distinct: counts.size, topShare: Math.max(...counts.values()) / n };
  });
}

test.describe('map', () => {
  test('the demo name is drawn: basemap, markers, catchment and legend', async ({
    page,
    request,
  }, testInfo) => {
    test.slow(); // light and dark renders, pixel reads
    const zoneId = await demoZoneId(request);
    await openApp(page, zoneId);

    // Really rendered: the WebGL canvas holds ocean, land, catchment colours, lines.
    const variety = await canvasVariety(page);
    expect(variety.distinct).toBeGreaterThan(8);
    expect(variety.topShare).toBeLessThan(0.8);

    // The two latency records are labelled, focusable markers.
    const oregon = page.getByRole('button', { name: 'us-west-2 oregon 192.0.2.10' });
    const singapore = page.getByRole('button', { name: 'ap-southeast-1 singapore 192.0.2.20' });
    await expect(oregon).toBeVisible();
    await expect(singapore).toBeVisible();
    await expect(page.locator(`${MAP} .atlas-marker`)).toHaveCount(2);

    // The legend lists both regions with shares of land that add up to 100%.
    const legend = page.getByRole('region', { name: 'Catchment legend' });
    await expect(legend).toContainText('share of land');
    const rows = legend.getByRole('listitem');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'us-west-2' })).toContainText('oregon');
    await expect(rows.filter({ hasText: 'ap-southeast-1' })).toContainText('singapore');
    const shares = (await legend.locator('.atlas-legend-share').allTextContents()).map((t) =>
      Number.parseFloat(t),
    );
    expect(shares.reduce((a, b) => a + b, 0)).toBeGreaterThan(98);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThan(102);

    await page.screenshot({ path: testInfo.outputPath('map-light.png') });
    await testInfo.attach('map-light', { path: testInfo.outputPath('map-light.png') });

    // The catchment paints Brazil in us-west-2's green and India in ap-southeast-1's amber
    // (the engine's routing, run in the browser), and leaves the ocean alone.
    await jumpTo(page, -55, -10, 2);
    const brazil = await pixelAt(page, -10, -55);
    expect(brazil[1]).toBeGreaterThan(brazil[0] + 40); // green over red
    await jumpTo(page, 79, 22, 2);
    const india = await pixelAt(page, 22, 79);
    expect(india[0]).toBeGreaterThan(india[2] + 80); // amber: red/green over blue
    const ocean = await pixelAt(page, 0, 67); // Indian Ocean
    expect(ocean[2]).toBeGreaterThan(ocean[0]); // bluish, not catchment-coloured

    // Dark theme: the same map, redrawn in the dark palette.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('.atlas-map')).toHaveAttribute('data-map-theme', 'dark');
    await waitForIdle(page);
    await page.waitForTimeout(300);
    const darkOcean = await pixelAt(page, 0, 67);
    expect(darkOcean[0] + darkOcean[1] + darkOcean[2]).toBeLessThan(
      ocean[0] + ocean[1] + ocean[2] - 200,
    );
    await page.screenshot({ path: testInfo.outputPath('map-dark.png') });
    await testInfo.attach('map-dark', { path: testInfo.outputPath('map-dark.png') });
  });

  test('clicking the map previews that point and draws the client with its arc', async ({
    page,
    request,
  }) => {
    test.slow(); // several camera moves, each redrawn under SwiftShader
    const zoneId = await demoZoneId(request);
    await openApp(page, zoneId);
    const box = await page.locator(MAP).boundingBox();
    if (!box) throw new Error('map has no box');

    // Tokyo at the centre of the map: a click there previews Tokyo → ap-southeast-1.
    await jumpTo(page, 139.69, 35.68, 3);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const chosen = page.getByTestId('preview-chosen');
    await expect(chosen).toHaveAttribute('data-region', 'ap-southeast-1');
    await expect(page.getByTestId('preview-client')).toContainText('map point');
    const url = new URL(page.url());
    expect(Number(url.searchParams.get('lat'))).toBeCloseTo(35.68, 0);
    expect(Number(url.searchParams.get('lon'))).toBeCloseTo(139.69, 0);

    // London → us-west-2: the arc is a great circle and the client point sits at London.
    await jumpTo(page, -0.13, 51.5, 3);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(chosen).toHaveAttribute('data-region', 'us-west-2');
    await expect(page.locator('.atlas-client-label')).toBeVisible();
    const arc = await page.evaluate(async () => {
      const src = window.__atlasMap?.getSource('client-arc') as
        | { getData(): Promise<FeatureCollection<MultiLineString>> }
        | undefined;
      const data = await src?.getData();
      const line = data?.features[0]?.geometry.coordinates.flat() ?? [];
      return { points: line.length, maxLat: Math.max(...line.map((p) => p[1] ?? 0)) };
    });
    expect(arc.points).toBeGreaterThan(50);
    // London → Oregon runs north of both ends, over Greenland.
    expect(arc.maxLat).toBeGreaterThan(60);

    // The chosen region's marker is highlighted.
    await expect(page.getByRole('button', { name: 'us-west-2 oregon 192.0.2.10' })).toHaveClass(
      /is-chosen/,
    );
  });

  test('a marker is a button that opens its record', async ({ page, request }) => {
    const zoneId = await demoZoneId(request);
    await openApp(page, zoneId);
    const oregon = page.getByRole('button', { name: 'us-west-2 oregon 192.0.2.10' });
    await oregon.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('oregon');
  });
});
