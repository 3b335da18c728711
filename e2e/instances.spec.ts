import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import type { DnsStatus, ResponderList } from '../src/shared/dns';
import { E2E_DB_FILE } from './e2e-env';
import { demoZoneId, expect, openZone, test } from './support';

/**
 * Several instances on one database: a second real server process on the e2e server's SQLite
 * file registers its DNS responder, the header's DNS popover lists both instances live, and
 * once the second is killed (SIGKILL: no goodbye) it turns to "not live" within the 5 s window.
 */

const ROOT = join(import.meta.dirname, '..');

let second: ChildProcess | null = null;
let secondLog = '';

/** Start another instance on the same database (loopback, any free ports); its DNS address. */
function startSecondInstance(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--no-demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${E2E_DB_FILE}`,
      PORT: '0',
      DNS_PORT: '0',
      HOST: '127.0.0.1',
      DNS_HOST: '127.0.0.1',
      // The e2e server's settings (playwright.config.ts), so both instances treat the shared data
      // (health checks on loopback targets) alike.
      LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE: '1',
      LATENCY_ATLAS_HEALTH_INTERVAL_MS: '500',
      LATENCY_ATLAS_BEACON_LOOPBACK_IP: '81.2.69.160',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  second = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the second instance did not start in 60 s:\n${secondLog}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      secondLog += chunk.toString();
      const m = /latency-atlas DNS on (127\.0\.0\.1:\d+)/.exec(secondLog);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      secondLog += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the second instance exited (${code ?? signal}):\n${secondLog}`));
    });
  });
}

async function dnsStatus(request: APIRequestContext): Promise<DnsStatus> {
  const res = await request.get('/api/dns');
  expect(res.ok()).toBe(true);
  return (await res.json()) as DnsStatus;
}

async function responders(request: APIRequestContext): Promise<ResponderList['responders']> {
  const res = await request.get('/api/responders');
  expect(res.ok()).toBe(true);
  return ((await res.json()) as ResponderList).responders;
}

const popover = (page: Page) => page.getByRole('region', { name: 'DNS endpoint' });
/** The row of the instance at `address` (`127.0.0.1:4318` is not `127.0.0.1:43180`'s row). */
const instanceRow = (list: Locator, address: string) =>
  list
    .getByRole('listitem')
    .filter({ hasText: new RegExp(`^${address.replace(/[.[\]]/g, '\\$&')}(?!\\d)`) });

/** The header and the open popover, for a person to look at. */
async function shootPopover(page: Page, path: string) {
  const box = await popover(page).boundingBox();
  const pill = await page.getByTestId('dns-indicator').boundingBox();
  if (!box || !pill) throw new Error('the popover is not on screen');
  const x = Math.max(0, Math.min(box.x, pill.x) - 16);
  const y = Math.max(0, pill.y - 12);
  await page.screenshot({
    path,
    clip: { x, y, width: box.x + box.width + 16 - x, height: box.y + box.height + 16 - y },
  });
}

test.describe('DNS popover: several instances on one database', () => {
  test.afterAll(() => {
    if (second && second.exitCode === null && second.signalCode === null) second.kill('SIGKILL');
    second = null;
  });

  test('lists each instance, live first, and a killed one turns to not live', async ({
    page,
    request,
  }, testInfo) => {
    test.slow(); // a second server starts, then its heartbeat has to go stale
    const zoneId = await demoZoneId(request);
    const status = await dnsStatus(request);
    const selfAddress = `${status.host}:${status.port}`;
    const zone = status.zones.find((z) => z.id === zoneId);
    if (!zone) throw new Error('the demo zone is not served');

    await openZone(page, zoneId);
    const pill = page.getByTestId('dns-indicator');
    await expect(pill).toHaveAttribute('data-state', 'in-sync');

    // One instance (a fresh database): the popover is as before, nothing about instances.
    if ((await responders(request)).length === 1) {
      await pill.click();
      await expect(popover(page)).toContainText('every responder answers from the latest change');
      await expect(popover(page).getByTestId('dns-instances')).toHaveCount(0);
      await expect(popover(page)).not.toContainText('Instances');
      await page.keyboard.press('Escape');
      await expect(popover(page)).toBeHidden();
    }

    const secondAddress = await startSecondInstance();
    expect(secondAddress).not.toBe(selfAddress);

    // Keyboard: the pill is reached and opened as before.
    await pill.focus();
    await page.keyboard.press('Enter');
    const details = popover(page);
    await expect(details).toBeVisible();
    const list = details.getByTestId('dns-instances');
    await expect(details.getByRole('heading', { name: /^Instances/ })).toBeVisible();

    // Both live; this instance first and marked, the second serving the zone's stored version.
    const mine = instanceRow(list, selfAddress);
    const theirs = instanceRow(list, secondAddress);
    await expect(theirs).toHaveAttribute('data-live', 'true', { timeout: 15_000 });
    await expect(theirs).toContainText(`${secondAddress}, live, serves v${zone.version}`);
    await expect(theirs).not.toContainText('this instance');
    await expect(mine).toContainText(`${selfAddress} this instance, live, serves v${zone.version}`);
    await expect(list.getByRole('listitem').first()).toContainText('this instance');
    await expect(list.locator('[data-live="true"]')).toHaveCount(2);
    await expect(details).toContainText(
      'In sync: every live instance answers from the latest change.',
    );
    await expect(details).toContainText('1 in this instance');
    // Live ones come before any dead one (a retry leaves the first attempt's instance dead).
    const order = await list
      .getByRole('listitem')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-live')));
    expect(
      order.indexOf('false') === -1 || order.lastIndexOf('true') < order.indexOf('false'),
    ).toBe(true);

    await shootPopover(page, '/tmp/instances.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shootPopover(page, '/tmp/instances-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
    await testInfo.attach('instances', { path: '/tmp/instances.png' });

    // SIGKILL: no deregistration; its heartbeat just stops, and after 5 s it is not live.
    const killedAt = Date.now();
    second?.kill('SIGKILL');
    await expect(theirs).toHaveAttribute('data-live', 'false', { timeout: 10_000 });
    console.log(`the killed instance showed as not live after ${Date.now() - killedAt} ms`);
    await expect(theirs).toContainText(/not live, serves v\d+ · last seen \d+s ago/);
    await expect(mine).toHaveAttribute('data-live', 'true');
    await expect(list.getByRole('listitem').last()).toHaveAttribute('data-live', 'false');
    // A dead instance does not hold INSYNC back.
    await expect(pill).toHaveAttribute('data-state', 'in-sync');
    await shootPopover(page, '/tmp/instances-dead.png');

    // Still a disclosure: Escape closes it; closed (and in sync), the list is not polled.
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
    let polled = 0;
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/responders') polled += 1;
    });
    await page.waitForTimeout(4_500);
    expect(polled).toBe(0);
  });
});
