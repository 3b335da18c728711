import type { Page } from '@playwright/test';
import {
  api,
  demoZoneId,
  expect,
  latencyA,
  openZone,
  recordTable,
  test,
  watchChangePosts,
} from './support';

/** Fill the record form's region picker by typing and choosing the option. */
async function pickRegion(page: Page, code: string) {
  const dialog = page.getByRole('dialog');
  const box = dialog.getByRole('combobox', { name: 'Region' });
  await box.fill(code);
  await dialog.getByRole('option', { name: new RegExp(`^${code}\\b`) }).click();
  await expect(box).toHaveValue(new RegExp(`^${code} — `));
}

test.describe('records', () => {
  test('the demo zone lists its record sets and names', async ({ page, request }) => {
    const zoneId = await demoZoneId(request);
    await openZone(page, zoneId);
    const table = recordTable(page);
    // The eight demo records and the zone's apex NS and SOA.
    await expect(page.getByText('10 record sets')).toBeVisible();
    for (const setId of [
      'oregon',
      'singapore',
      'virginia',
      'ireland',
      'frankfurt',
      'tokyo',
      'sydney',
      'sao-paulo',
    ]) {
      await expect(table.getByRole('row').filter({ hasText: setId })).toHaveCount(1);
    }
    await expect(table.getByRole('row').filter({ hasText: 'oregon' })).toContainText('192.0.2.10');
    await expect(table.getByRole('row').filter({ hasText: 'oregon' })).toContainText('us-west-2');
    const names = page.getByRole('listbox', { name: 'Names in this zone' });
    await expect(names.getByRole('option', { name: /^app\b.*2 regions/ })).toBeVisible();
    await expect(names.getByRole('option', { name: /^api\b.*6 regions/ })).toBeVisible();

    // The table filter narrows to matching rows.
    await page.getByLabel('Filter records').fill('singapore');
    await expect(page.getByText('1 of 10 record sets')).toBeVisible();
    await expect(table.getByRole('row').filter({ hasText: 'oregon' })).toHaveCount(0);

    // Sorting by TTL or Set ID reorders: descending Set ID puts virginia first.
    await page.getByLabel('Filter records').fill('');
    await table.getByRole('button', { name: 'Set ID' }).click();
    await table.getByRole('button', { name: 'Set ID' }).click();
    await expect(table.getByRole('columnheader', { name: 'Set ID' })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await expect(table.locator('tbody tr:not(.spacer)').first()).toContainText('virginia');
  });

  test('create, edit and delete a latency record through the form', async ({
    page,
    request,
    zone,
  }) => {
    const client = api(request);
    await openZone(page, zone.id);
    await expect(page.getByText(`${zone.name} has no records yet`)).toBeVisible();
    await page.getByRole('button', { name: 'Create record' }).click();

    const dialog = page.getByRole('dialog', { name: 'New latency record' });
    await dialog.getByLabel('Name', { exact: true }).fill('www');
    await expect(dialog.getByText(`FQDN: www.${zone.name}`)).toBeVisible();
    await dialog.getByLabel('Type').selectOption('A');
    await pickRegion(page, 'eu-central-1');
    // Picking a region with an empty set id names the record after the region.
    await expect(dialog.getByLabel('Set ID')).toHaveValue('eu-central-1');
    await dialog.getByLabel('Set ID').fill('frankfurt');
    await dialog.getByLabel('TTL (seconds)').fill('120');
    await dialog.getByLabel('Values').fill('192.0.2.44\n192.0.2.45');
    await dialog.getByRole('button', { name: 'Create record' }).click();
    await expect(dialog).toBeHidden();

    const row = recordTable(page).getByRole('row').filter({ hasText: 'frankfurt' });
    await expect(row).toContainText(`www.${zone.name}`);
    await expect(row).toContainText('192.0.2.44, 192.0.2.45');
    await expect(row).toContainText('eu-central-1');
    await expect
      .poll(async () => (await client.rrsets(zone.id)).filter((r) => r.Type === 'A'))
      .toEqual([
        {
          Name: `www.${zone.name}.`,
          Type: 'A',
          SetIdentifier: 'frankfurt',
          Region: 'eu-central-1',
          TTL: 120,
          ResourceRecords: [{ Value: '192.0.2.44' }, { Value: '192.0.2.45' }],
        },
      ]);
    // The name list and URL follow the saved record.
    await expect(page.getByRole('option', { name: /^www\b.*1 region/ })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page).toHaveURL(new RegExp(`name=www\\.${zone.name.replace(/\./g, '\\.')}`));

    // Edit keeping the identity: an UPSERT with the new value.
    await row.getByRole('button', { name: /^Edit / }).click();
    const edit = page.getByRole('dialog', { name: /^Edit www\./ });
    await expect(edit.getByLabel('Values')).toHaveValue('192.0.2.44\n192.0.2.45');
    await edit.getByLabel('Values').fill('192.0.2.46');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(row).toContainText('192.0.2.46');
    await expect
      .poll(async () => (await client.rrsets(zone.id)).find((r) => r.Type === 'A')?.ResourceRecords)
      .toEqual([{ Value: '192.0.2.46' }]);

    // Edit changing the identity (set id): DELETE old + CREATE new in one batch.
    await row.getByRole('button', { name: /^Edit / }).click();
    await page.getByRole('dialog').getByLabel('Set ID').fill('fra');
    await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect
      .poll(async () => (await client.rrsets(zone.id)).map((r) => r.SetIdentifier).filter(Boolean))
      .toEqual(['fra']);
    const renamed = recordTable(page).getByRole('row').filter({ hasText: 'fra' });
    await expect(renamed).toHaveCount(1);

    // Delete asks first; cancelling keeps the record.
    await renamed.getByRole('button', { name: /^Delete / }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete record set?' });
    await expect(confirm).toContainText(`www.${zone.name}`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await client.rrsets(zone.id)).toHaveLength(3); // and the apex NS and SOA
    await renamed.getByRole('button', { name: /^Delete / }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText(`${zone.name} has no records yet`)).toBeVisible();
    await expect
      .poll(async () => (await client.rrsets(zone.id)).map((r) => r.Type))
      .toEqual(['NS', 'SOA']);
  });

  test('invalid values and a taken region are caught at the field; nothing reaches the server', async ({
    page,
    request,
    zone,
  }) => {
    const client = api(request);
    await client.change(zone.id, {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'app', 'oregon', 'us-west-2', '192.0.2.10'),
        },
      ],
    });
    const posts = watchChangePosts(page);
    await openZone(page, zone.id);
    await page.getByRole('button', { name: 'Create record' }).click();
    const dialog = page.getByRole('dialog', { name: 'New latency record' });
    // The selected name and type are prefilled.
    await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('app');
    await dialog.getByLabel('Set ID').fill('virginia');
    await pickRegion(page, 'us-east-1');
    await dialog.getByLabel('Values').fill('999.1.1.1');
    const values = dialog.getByLabel('Values');
    await expect(values).toHaveAttribute('aria-invalid', 'true');
    await expect(dialog.getByText('"999.1.1.1" is not a valid IPv4 address')).toBeVisible();
    const submit = dialog.getByRole('button', { name: 'Create record' });
    await expect(submit).toBeDisabled();
    await values.press('Control+Enter');
    await dialog.getByLabel('Set ID').press('Enter');

    // A second record in a region that already has one: the picker marks it, the field says why.
    await values.fill('192.0.2.30');
    await expect(submit).toBeEnabled();
    const box = dialog.getByRole('combobox', { name: 'Region' });
    await box.fill('us-west-2');
    await expect(dialog.getByRole('option', { name: /^us-west-2\b/ })).toContainText(
      'in use by oregon',
    );
    await dialog.getByRole('option', { name: /^us-west-2\b/ }).click();
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    await expect(box).toHaveAccessibleDescription(/already has a latency record in us-west-2/);
    await expect(submit).toBeDisabled();
    await dialog.getByLabel('Set ID').press('Enter');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(posts).toEqual([]);
    expect((await client.rrsets(zone.id)).map((r) => r.SetIdentifier).filter(Boolean)).toEqual([
      'oregon',
    ]);
  });

  test('a server refusal lands at the field and the optimistic row rolls back', async ({
    page,
    request,
    zone,
  }) => {
    const client = api(request);
    await client.change(zone.id, {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'app', 'oregon', 'us-west-2', '192.0.2.10'),
        },
      ],
    });
    await openZone(page, zone.id);
    await expect(recordTable(page).getByRole('row').filter({ hasText: 'oregon' })).toHaveCount(1);
    await page.getByRole('button', { name: 'Create record' }).click();
    const dialog = page.getByRole('dialog', { name: 'New latency record' });
    await dialog.getByLabel('Set ID').fill('ireland');
    await pickRegion(page, 'eu-west-1');
    await dialog.getByLabel('Values').fill('192.0.2.31');
    // Someone else takes eu-west-1 for this name meanwhile: the browser's copy is now stale.
    await client.change(zone.id, {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'app', 'dublin', 'eu-west-1', '192.0.2.99'),
        },
      ],
    });
    // The zone's event stream may bring the other client's record first: then the form's live
    // validation refuses eu-west-1 before submit (the button disables). Otherwise the server
    // refuses it on submit. Either way the refusal lands at the Region field.
    await dialog
      .getByRole('button', { name: 'Create record' })
      .click({ timeout: 3000 })
      .catch(() => {});
    const region = dialog.getByRole('combobox', { name: 'Region' });
    await expect(region).toHaveAttribute('aria-invalid', 'true');
    await expect(region).toHaveAccessibleDescription(/eu-west-1/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Rolled back, then refreshed: the other client's record, not ours.
    await expect(recordTable(page).getByRole('row').filter({ hasText: 'ireland' })).toHaveCount(0);
    await expect(recordTable(page).getByRole('row').filter({ hasText: 'dublin' })).toHaveCount(1);
    expect(
      (await client.rrsets(zone.id))
        .map((r) => r.SetIdentifier)
        .filter(Boolean)
        .sort(),
    ).toEqual(['dublin', 'oregon']);
  });

  test('a TXT value with markup renders as text', async ({ page, request, zone, pageDialogs }) => {
    const client = api(request);
    await openZone(page, zone.id);
    await page.getByRole('button', { name: 'Create record' }).click();
    const dialog = page.getByRole('dialog', { name: 'New latency record' });
    await dialog.getByLabel('Name', { exact: true }).fill('note');
    await dialog.getByLabel('Type').selectOption('TXT');
    await dialog.getByLabel('Set ID').fill('tokyo');
    await pickRegion(page, 'ap-northeast-1');
    const markup = '"<img src=x onerror=alert(1)>"';
    await dialog.getByLabel('Values').fill(markup);
    await dialog.getByRole('button', { name: 'Create record' }).click();
    await expect(dialog).toBeHidden();
    const row = recordTable(page).getByRole('row').filter({ hasText: 'tokyo' });
    await expect(row.getByRole('cell', { name: markup })).toBeVisible();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect
      .poll(
        async () => (await client.rrsets(zone.id)).find((r) => r.Type === 'TXT')?.ResourceRecords,
      )
      .toEqual([{ Value: markup }]);
    await page.reload();
    await expect(recordTable(page).getByRole('cell', { name: markup })).toBeVisible();
    expect(pageDialogs).toEqual([]);
  });

  test('the URL holds zone, name and tab; links restore the view and back walks it', async ({
    page,
    request,
  }) => {
    const zoneId = await demoZoneId(request);
    await openZone(page, zoneId, { name: 'app.example.com', type: 'A', tab: 'import-export' });
    await expect(page.getByRole('tab', { name: 'Import / Export' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByRole('option', { name: /^app\b/ })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByRole('heading', { level: 1 })).toContainText('app.example.com');

    // Arrow keys move the tab selection (ARIA tabs), and the URL follows.
    await page.getByRole('tab', { name: 'Import / Export' }).focus();
    await page.keyboard.press('Home');
    await expect(page.getByRole('tab', { name: 'Records' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByRole('tab', { name: 'Records' })).toBeFocused();
    await expect(page).toHaveURL(/tab=records/);

    await page.getByRole('option', { name: /^api\b/ }).click();
    await expect(page).toHaveURL(/name=api\.example\.com/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('api.example.com');
    // Keyboard in the name list: Down selects app (names sort api, app).
    await page.getByRole('listbox', { name: 'Names in this zone' }).press('ArrowDown');
    await expect(page).toHaveURL(/name=app\.example\.com/);

    // History: [import-export, records (tab), api → app (arrow keys replace, not push)].
    await page.goBack();
    await page.goBack();
    await expect(page.getByRole('tab', { name: 'Import / Export' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await page.goForward();
    await expect(page.getByRole('tab', { name: 'Records' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});

test('a 10,000-record zone keeps only the visible rows in the DOM', async ({
  page,
  request,
  zone,
}) => {
  test.setTimeout(120_000);
  const regions = ['us-east-1', 'eu-west-1'];
  const changes = [];
  for (let i = 0; i < 5000; i++) {
    for (const [j, region] of regions.entries()) {
      changes.push({
        Action: 'CREATE' as const,
        ResourceRecordSet: latencyA(
          zone.name,
          `host${String(i).padStart(4, '0')}`,
          region,
          region,
          `192.0.2.${j + 1}`,
        ),
      });
    }
  }
  // The API takes at most 1,000 changes per batch, as Route 53 does.
  for (let i = 0; i < changes.length; i += 1000) {
    await api(request).change(zone.id, { Comment: 'bulk', Changes: changes.slice(i, i + 1000) });
  }
  await openZone(page, zone.id);
  // 10,000 records and the zone's apex NS and SOA.
  await expect(page.getByText('10,002 record sets')).toBeVisible({ timeout: 30_000 });
  const table = recordTable(page);
  const rows = table.locator('tbody tr:not(.spacer)');
  expect(await rows.count()).toBeLessThan(80);
  expect(
    await page.getByRole('listbox', { name: 'Names in this zone' }).getByRole('option').count(),
  ).toBeLessThan(80);

  // Scrolling to the end brings the last rows in, still only a window of them.
  await table.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(rows.filter({ hasText: `host4999.${zone.name}` })).toHaveCount(2);
  expect(await rows.count()).toBeLessThan(80);

  // Filtering 10,000 rows answers at typing speed.
  const started = Date.now();
  await page.getByLabel('Filter records').fill('host1234');
  await expect(page.getByText('2 of 10,002 record sets')).toBeVisible();
  expect(Date.now() - started).toBeLessThan(2000);
});
