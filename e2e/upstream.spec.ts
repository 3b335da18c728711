import { join } from 'node:path';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { Page } from '@playwright/test';
import { type Moto, startMoto } from '../src/server/upstream/moto-kit';
import { ADMIN_TOKEN, api, expect, openZone, recordTable, signIn, test } from './support';

/**
 * The Upstream tab against moto_server as Route 53: connect (a bad field first), preview and
 * apply the import, change a set upstream, see the drift and propose upstream's side. Takes
 * light and dark screenshots of the panel along the way (test-results/screenshots/).
 */
const ZONE = 'upstream-e2e.example';
const SECRET = 'moto-secret-key-e2e-4242';
const KEY_ID = 'AKIAMOTOE2EKEY000001';

let moto: Moto;
let up: Route53Client;
let hostedZoneId = '';
let zoneId = '';

const latencyA = (id: string, region: string, ip: string) => ({
  Name: `app.${ZONE}.`,
  Type: 'A' as const,
  SetIdentifier: id,
  Region: region as 'us-east-1',
  TTL: 60,
  ResourceRecords: [{ Value: ip }],
});

test.beforeAll(async ({ request }) => {
  moto = await startMoto();
  up = new Route53Client({
    endpoint: moto.url,
    region: 'us-east-1',
    credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  const hz = await up.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: 'e2e-1' }));
  hostedZoneId = (hz.HostedZone?.Id ?? '').replace('/hostedzone/', '');
  await up.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: latencyA('virginia', 'us-east-1', '192.0.2.1') },
          { Action: 'CREATE', ResourceRecordSet: latencyA('dublin', 'eu-west-1', '192.0.2.2') },
          { Action: 'CREATE', ResourceRecordSet: latencyA('tokyo', 'ap-northeast-1', '192.0.2.3') },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: `www.${ZONE}.`,
              Type: 'A',
              TTL: 300,
              ResourceRecords: [{ Value: '192.0.2.9' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: `${ZONE}.`,
              Type: 'TXT',
              TTL: 300,
              ResourceRecords: [{ Value: '"v=spf1 -all"' }],
            },
          },
        ],
      },
    }),
  );
  zoneId = (await api(request).createZone(ZONE)).id;
});

test.afterAll(async ({ request }) => {
  if (zoneId) await api(request).deleteZone(zoneId);
  up?.destroy();
  await moto?.stop();
});

async function shoot(page: Page, name: string) {
  const dir = join(test.info().project.outputDir, 'screenshots');
  // The app scrolls inside its main column: a tall window shows the whole panel.
  await page.setViewportSize({ width: 1440, height: 1700 });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(dir, `upstream-${name}-${theme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('connect, import, drift and take upstream against moto_server', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN_TOKEN);
  await openZone(page, zoneId);
  await page.getByRole('tab', { name: 'Upstream' }).click();

  const form = page.getByRole('form', { name: 'Connect to Route 53' });
  const hostedZone = form.getByRole('textbox', { name: 'Hosted zone id' });
  await hostedZone.fill('ZNOSUCHZONE00000000');
  await expect(form.getByRole('textbox', { name: 'Region' })).toHaveValue('us-east-1');
  await form.getByRole('textbox', { name: 'Access key id' }).fill(KEY_ID);
  await form.getByLabel('Secret access key').fill(SECRET);
  await form.getByRole('textbox', { name: /Endpoint/ }).fill(moto.url);
  await form.getByRole('button', { name: 'Connect' }).click();
  // The API names the field: the error is shown at it.
  await expect(hostedZone).toHaveAttribute('aria-invalid', 'true');
  await expect(hostedZone).toHaveAccessibleDescription(/upstream has no hosted zone/);
  await shoot(page, 'connect-error');

  await hostedZone.fill(hostedZoneId);
  await expect(hostedZone).not.toHaveAttribute('aria-invalid', 'true');
  await form.getByRole('button', { name: 'Connect' }).click();
  const summary = page.getByRole('region', { name: 'Connected to Route 53' });
  await expect(summary).toBeVisible();
  await expect(summary).toContainText(hostedZoneId);
  await expect(summary).toContainText(`••••${SECRET.slice(-4)}`);
  await expect(summary).not.toContainText(SECRET);
  await expect(summary).toContainText(moto.url);

  // Import: the dry run as a diff, then applied.
  await page.getByRole('button', { name: 'Preview import' }).click();
  const preview = page.getByRole('region', { name: 'Changes the import makes' });
  await expect(preview).toContainText('+5 added');
  for (const id of ['virginia', 'dublin', 'tokyo']) await expect(preview).toContainText(id);
  await shoot(page, 'import-preview');
  await page.getByRole('button', { name: /Apply import \(5 changes\)/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByRole('tab', { name: 'Records' })).toHaveAttribute('aria-selected', 'true');
  for (const id of ['virginia', 'dublin', 'tokyo'])
    await expect(recordTable(page).getByRole('row').filter({ hasText: id })).toBeVisible();

  // Someone changes www upstream: drift.
  await page.getByRole('tab', { name: 'Upstream' }).click();
  await expect(page.getByText('in sync', { exact: true })).toBeVisible();
  await up.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: `www.${ZONE}.`,
              Type: 'A',
              TTL: 120,
              ResourceRecords: [{ Value: '198.51.100.7' }],
            },
          },
        ],
      },
    }),
  );
  await page.getByRole('button', { name: 'Check now' }).click();
  const drift = page.getByRole('table', { name: 'Differences from upstream' });
  const row = drift.getByRole('row').filter({ hasText: `www.${ZONE}` });
  await expect(row).toContainText('differs');
  await expect(row).toContainText('192.0.2.9');
  await expect(row).toContainText('198.51.100.7');
  await expect(page.getByText('1 set differs', { exact: true })).toBeVisible();
  await shoot(page, 'drift');

  // Saving onto the drifted zone is refused with a clear message; the admin may push anyway.
  await page.getByRole('tab', { name: 'Records' }).click();
  const tokyo = recordTable(page).getByRole('row').filter({ hasText: 'tokyo' });
  await tokyo.getByRole('button', { name: /^Edit / }).click();
  const edit = page.getByRole('dialog', { name: /^Edit app\./ });
  await edit.getByLabel('Values').fill('192.0.2.33');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  const refusal = edit.getByRole('alert');
  await expect(refusal).toContainText('Route 53 has changed since the last sync');
  await expect(refusal).toContainText(`www.${ZONE}. A: differs`);
  await shoot(page, 'drift-save');
  await refusal.getByRole('button', { name: 'Push anyway (overwrite upstream)' }).click();
  await expect(edit).toBeHidden();
  await expect(tokyo).toContainText('192.0.2.33');

  // History shows the pushed change as Route 53 knows it.
  await page.getByRole('tab', { name: 'History' }).click();
  const newest = page.getByRole('list', { name: 'Applied changes' }).getByRole('listitem').first();
  await expect(newest).toContainText(/Route 53 (PENDING|INSYNC)/);
  await newest.getByRole('button').first().click();
  await expect(newest).toContainText('Route 53 change');
  await shoot(page, 'history');

  // Only www still differs; take upstream's side as a proposal.
  await page.getByRole('tab', { name: 'Upstream' }).click();
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(drift.getByRole('row')).toHaveCount(2);
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: /Take upstream/ }).click();
  const done = page.getByRole('status').filter({ hasText: 'reviewed like any change' });
  await expect(done).toContainText('Proposed 1 change as');
  await done.getByRole('button', { name: 'Open in Review' }).click();
  await expect(page.getByRole('tab', { name: /Review/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText(/Take upstream www/).first()).toBeVisible();
});
