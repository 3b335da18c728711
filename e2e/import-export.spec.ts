import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api, expect, openZone, recordTable, test, watchChangePosts } from './support';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const LISTING = join(FIXTURES, 'route53-list-resource-record-sets.json');
const BATCH = join(FIXTURES, 'route53-change-batch.json');

test.describe('import / export', () => {
  test('import a listing into shop.example.net, review the diff, apply; then a change batch', async ({
    page,
    request,
  }) => {
    const client = api(request);
    const existing = (await client.zones()).find((z) => z.name === 'shop.example.net');
    if (existing) await client.deleteZone(existing.id);
    const zone = await client.createZone('shop.example.net');
    try {
      await openZone(page, zone.id, { tab: 'import-export' });
      await page.getByLabel('Upload Route 53 JSON file').setInputFiles(LISTING);
      await expect(page.getByText('list-resource-record-sets output')).toBeVisible();

      // The diff: every set but the apex NS/SOA (which belong to the zone) is added.
      const diff = page.getByRole('region', { name: 'Changes this import makes' });
      await expect(diff.getByText('+8 added')).toBeVisible();
      await expect(diff.getByText('~0 changed')).toBeVisible();
      const tokyo = diff.getByRole('row').filter({ hasText: 'A · tokyo · ap-northeast-1' });
      await expect(tokyo).toContainText('www.shop.example.net');
      await expect(tokyo).toContainText('192.0.2.31');
      await expect(diff.getByRole('row').filter({ hasText: 'sydney-alb' })).toContainText(
        'alias →',
      );
      await expect(page.getByText('Valid against shop.example.net')).toBeVisible();
      await expect(page.getByLabel('Also delete records missing from the file')).not.toBeChecked();

      await page.getByRole('button', { name: 'Apply 8 changes' }).click();
      await expect(page.getByRole('tab', { name: 'Records' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      const table = recordTable(page);
      await expect(table.getByRole('row').filter({ hasText: 'virginia-v6' })).toContainText(
        '2001:db8:10::11',
      );
      await expect(table.getByRole('row').filter({ hasText: 'tokyo' })).toContainText('192.0.2.31');
      const afterListing = await client.rrsets(zone.id);
      // The eight imported sets and the zone's own apex NS and SOA (not the file's).
      expect(afterListing).toHaveLength(10);
      expect(afterListing.find((r) => r.Type === 'NS')?.ResourceRecords).toEqual([
        { Value: 'ns1.shop.example.net.' },
        { Value: 'ns2.shop.example.net.' },
      ]);
      const frankfurt = afterListing.find((r) => r.SetIdentifier === 'frankfurt');
      expect(frankfurt?.HealthCheckId).toBe('9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f');
      expect(afterListing.find((r) => r.Type === 'CNAME')?.Name).toBe('\\052.shop.example.net.');

      // Re-importing the same listing changes nothing.
      await page.getByRole('tab', { name: 'Import / Export' }).click();
      await page.getByLabel('Upload Route 53 JSON file').setInputFiles(LISTING);
      await expect(page.getByText('The zone already matches this file.')).toBeVisible();

      // The change batch: CREATE singapore, UPSERT frankfurt (before → after), DELETE tokyo.
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByLabel('Upload Route 53 JSON file').setInputFiles(BATCH);
      await expect(page.getByText('Change batch · 3 changes')).toBeVisible();
      await expect(diff.getByText('+1 added')).toBeVisible();
      await expect(diff.getByText('~1 changed')).toBeVisible();
      await expect(diff.getByText('−1 deleted')).toBeVisible();
      const changed = diff.getByRole('row').filter({ hasText: 'frankfurt' });
      await expect(changed.getByRole('cell').nth(2)).toContainText('203.0.113.21');
      await expect(changed.getByRole('cell').nth(3)).toContainText('203.0.113.22, 203.0.113.23');
      await page.getByRole('button', { name: 'Apply 3 changes' }).click();
      await expect(table.getByRole('row').filter({ hasText: 'singapore' })).toContainText(
        '192.0.2.41',
      );
      await expect(table.getByRole('row').filter({ hasText: 'tokyo' })).toHaveCount(0);
      const after = await client.rrsets(zone.id);
      expect(
        after
          .map((r) => r.SetIdentifier)
          .filter(Boolean)
          .sort(),
      ).toEqual([
        'frankfurt',
        'saopaulo-alb',
        'singapore',
        'sydney-alb',
        'virginia',
        'virginia-v6',
      ]);
    } finally {
      await client.deleteZone(zone.id);
    }
  });

  test('bad JSON and invalid batches are explained and cannot be applied', async ({
    page,
    request,
    zone,
  }) => {
    const client = api(request);
    const posts = watchChangePosts(page);
    await openZone(page, zone.id, { tab: 'import-export' });
    const text = page.getByLabel('Route 53 JSON', { exact: true });
    const importSection = page.getByRole('region', { name: 'Import review' });

    await text.fill('{ "Changes": [ }');
    await expect(importSection.getByRole('alert')).toContainText('Not valid JSON');

    await text.fill(
      JSON.stringify({
        Changes: [{ Action: 'MOVE', ResourceRecordSet: { Name: 'a', Type: 'A' } }],
      }),
    );
    await expect(importSection.getByRole('alert')).toContainText('Changes[0].Action');

    // Well-formed, but wrong: a bad IPv4 and a name outside the zone, both named with their change.
    await text.fill(
      JSON.stringify({
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: `www.${zone.name}`,
              Type: 'A',
              SetIdentifier: 'x',
              Region: 'us-east-1',
              TTL: 60,
              ResourceRecords: [{ Value: '999.1.1.1' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.elsewhere.org',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      }),
    );
    const problems = importSection.getByRole('alert').filter({ hasText: 'nothing can be applied' });
    await expect(problems).toContainText('Change 1');
    await expect(problems).toContainText('999.1.1.1');
    await expect(problems).toContainText('Change 2');
    await expect(page.getByRole('button', { name: 'Apply 2 changes' })).toBeDisabled();
    expect(posts).toEqual([]);
    // Only the zone's own apex NS and SOA.
    expect((await client.rrsets(zone.id)).map((r) => r.Type)).toEqual(['NS', 'SOA']);
  });

  test('export downloads the listing and a change batch the API accepts', async ({
    page,
    request,
    zone,
  }) => {
    const client = api(request);
    const listing = JSON.parse(await readFile(LISTING, 'utf8')) as {
      ResourceRecordSets: { Name: string }[];
    };
    // Same sample, renamed into this test's zone.
    const records = listing.ResourceRecordSets.map((r) =>
      JSON.parse(JSON.stringify(r).replaceAll('shop.example.net', zone.name)),
    );
    await openZone(page, zone.id, { tab: 'import-export' });
    await page
      .getByLabel('Route 53 JSON', { exact: true })
      .fill(JSON.stringify({ ResourceRecordSets: records }));
    await page.getByRole('button', { name: 'Apply 8 changes' }).click();
    await expect(recordTable(page).getByRole('row').filter({ hasText: 'virginia-v6' })).toHaveCount(
      1,
    );
    await page.getByRole('tab', { name: 'Import / Export' }).click();

    const [listingDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download listing (JSON)' }).click(),
    ]);
    expect(listingDownload.suggestedFilename()).toBe(`${zone.name}.rrsets.json`);
    const exported = JSON.parse(await readFile(await listingDownload.path(), 'utf8'));
    expect(exported).toEqual({ ResourceRecordSets: await client.rrsets(zone.id) });

    const [batchDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download change batch' }).click(),
    ]);
    const batch = JSON.parse(await readFile(await batchDownload.path(), 'utf8'));
    expect(batch.Changes).toHaveLength(8);
    expect(batch.Changes.every((c: { Action: string }) => c.Action === 'UPSERT')).toBe(true);

    // The exported batch recreates the zone elsewhere through the real API.
    const copy = await client.createZone(`copy-${zone.name}`);
    try {
      const renamed = JSON.parse(
        JSON.stringify(batch).replaceAll(`${zone.name}`, `copy-${zone.name}`),
      );
      await client.change(copy.id, renamed);
      expect((await client.rrsets(copy.id)).length).toBe(10); // and the copy's own NS and SOA
    } finally {
      await client.deleteZone(copy.id);
    }
  });
});
