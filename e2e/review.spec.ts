import type { Browser, Page } from '@playwright/test';
import {
  ADMIN_HEADERS,
  api,
  bearer,
  createToken,
  expect,
  latencyA,
  openZone,
  recordTable,
  signIn,
  test,
  watchChangePosts,
} from './support';

/**
 * Operator reviews end to end, with real tokens made by the token CLI: an editor proposes in the
 * UI, an approver (another browser context) reviews the diff and the impact, approves and
 * applies; the map and history show it; a rollback from History restores the record exactly.
 */

const MAIN_MAP = '.map-section [data-testid="atlas-map"]';

/** A page of its own (own sessionStorage), signed in through the dialog as an operator would. */
async function operatorPage(browser: Browser, token: string, who: string, role: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Paste your API token' });
  await dialog.getByLabel('API token').fill(token);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('.session-who')).toContainText(who);
  await expect(page.locator('.session-who')).toContainText(role);
  return page;
}

async function openReview(page: Page, zoneId: string, extra: Record<string, string> = {}) {
  await openZone(page, zoneId, { tab: 'review', ...extra });
  await expect(page.getByRole('navigation', { name: 'Proposals' })).toBeVisible();
}

test.describe('reviews', () => {
  test('alice proposes, bob reviews the impact, approves and applies; history rolls it back', async ({
    browser,
    request,
    zone,
  }, testInfo) => {
    test.slow(); // three browser contexts, several maps under SwiftShader
    const client = api(request);
    const alice = await createToken('alice', 'editor');
    const bob = await createToken('bob', 'approver');
    const oregon = latencyA(zone.name, 'app', 'oregon', 'us-west-2', '192.0.2.10');
    const singapore = latencyA(zone.name, 'app', 'singapore', 'ap-southeast-1', '192.0.2.20');
    await client.change(zone.id, {
      Changes: [
        { Action: 'CREATE', ResourceRecordSet: oregon },
        { Action: 'CREATE', ResourceRecordSet: singapore },
      ],
    });
    // The admin turns on "require approval by someone other than the author".
    const put = await request.put(`/api/zones/${zone.id}/settings`, {
      data: { requireApproval: true },
      headers: ADMIN_HEADERS,
    });
    expect(put.status()).toBe(200);

    // --- alice (editor) drafts the deletion of Singapore and submits it for review.
    const a = await operatorPage(browser, alice.token, alice.name, 'editor');
    await openZone(a, zone.id, { name: `app.${zone.name}`, type: 'A' });
    await expect(a.getByText('Approval required')).toBeVisible();
    const toggle = a.getByRole('checkbox', { name: 'Propose instead of apply' });
    await expect(toggle).toBeChecked();
    await expect(toggle).toBeDisabled();
    await recordTable(a)
      .getByRole('row')
      .filter({ hasText: 'singapore' })
      .getByRole('button', { name: /^Delete/ })
      .click();
    await a.getByRole('dialog').getByRole('button', { name: 'Add to draft' }).click();
    const tray = a.getByRole('region', { name: 'Draft' });
    await expect(tray).toContainText('1 change, not live');
    await expect(tray).toContainText('singapore');
    // The table shows the zone as drafted; the live zone is untouched.
    await expect(recordTable(a).getByRole('row').filter({ hasText: 'singapore' })).toHaveCount(0);
    expect((await client.rrsets(zone.id)).some((r) => r.SetIdentifier === 'singapore')).toBe(true);
    await tray.getByLabel('Comment for reviewers').fill('Retire Singapore');
    await a.screenshot({ path: testInfo.outputPath('draft-tray.png') });
    await tray.getByRole('button', { name: 'Submit for review' }).click();

    // It lands in Review, pending, and alice cannot approve her own proposal.
    const proposal = a.getByRole('article', { name: /^Proposal P/ });
    await expect(proposal).toContainText('Retire Singapore');
    await expect(proposal.locator('.status-chip')).toHaveText('pending');
    const pid = ((await proposal.getAttribute('aria-label')) ?? '').replace('Proposal ', '');
    expect(pid).toMatch(/^P[A-Z0-9]+$/);
    await expect(a).toHaveURL(new RegExp(`proposal=${pid}`));
    const approveA = proposal.getByRole('button', { name: 'Approve' });
    await expect(approveA).toBeDisabled();
    await expect(approveA).toHaveAttribute('title', /approve/);
    await expect(proposal.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await expect(a.getByRole('tab', { name: /Review/ }).locator('.tab-badge')).toHaveText('1');
    const selfApprove = await request.post(`/api/proposals/${pid}/approve`, {
      data: {},
      headers: bearer(alice.token),
    });
    expect(selfApprove.status()).toBe(403);
    // Still nothing live: both records are there.
    expect(
      (await client.rrsets(zone.id))
        .map((r) => r.SetIdentifier)
        .filter(Boolean)
        .sort(),
    ).toEqual(['oregon', 'singapore']);

    // --- bob (approver) reviews it in his own browser context.
    const b = await operatorPage(browser, bob.token, bob.name, 'approver');
    await openReview(b, zone.id);
    const list = b.getByRole('navigation', { name: 'Proposals' });
    await expect(list.getByRole('button').first()).toContainText('Retire Singapore');
    await expect(list.getByRole('button').first()).toContainText('pending');
    const view = b.getByRole('article', { name: `Proposal ${pid}` });
    await expect(view.getByTestId('proposal-author')).toHaveText(alice.name);
    // The diff: singapore deleted, before → after.
    const diff = view.getByRole('region', { name: `Changes in ${pid}` });
    const deleted = diff.getByRole('row').filter({ hasText: 'singapore' });
    await expect(deleted).toContainText('deleted');
    await expect(deleted).toContainText('192.0.2.20');
    // The impact: users move from ap-southeast-1 to us-west-2, a real share of them.
    const impact = view.getByRole('article', { name: `Impact on app.${zone.name} A` });
    await expect(impact).toBeVisible({ timeout: 30_000 });
    const flows = impact.getByRole('table', { name: /Where users of/ });
    await expect(flows.getByRole('row')).toHaveCount(2);
    await expect(flows.getByRole('row').nth(1)).toContainText('ap-southeast-1');
    await expect(flows.getByRole('row').nth(1)).toContainText('us-west-2');
    const share = Number.parseFloat(
      (await impact.getByTestId('moved-population-share').textContent()) ?? '',
    );
    expect(share).toBeGreaterThan(10);
    expect(share).toBeLessThan(90);
    await expect(impact.getByRole('table', { name: /Largest RTT increases/ })).toContainText('ms');
    // Tokyo moves to us-west-2 (checked in the browser with the engine).
    await view.getByRole('textbox', { name: 'Check a city' }).fill('Tokyo');
    await view.getByRole('button', { name: 'Check' }).click();
    const tokyo = view.locator('.city-check-result');
    await expect(tokyo).toContainText('Tokyo, JP');
    await expect(tokyo.locator('.region-chip').first()).toHaveText('ap-southeast-1');
    await expect(tokyo.locator('.region-chip').nth(1)).toHaveText('us-west-2');
    await expect(tokyo).toContainText('moves');
    // Before and after catchment maps are drawn.
    const maps = view.locator('[data-testid="atlas-map"]');
    await expect(maps).toHaveCount(2);
    await expect(maps.first()).toHaveAttribute('data-map-loaded', 'true', { timeout: 30_000 });
    await expect(maps.nth(1)).toHaveAttribute('data-map-loaded', 'true', { timeout: 30_000 });
    await expect(maps.first().locator('.atlas-marker')).toHaveCount(2);
    await expect(maps.nth(1).locator('.atlas-marker')).toHaveCount(1);
    // The after map compares with the before records: the moved area is a real share of land.
    const compare = view.locator('.atlas-map[data-compare="true"]');
    await expect(compare).toHaveCount(1);
    await expect(compare).toHaveAttribute('data-changed-share', /^0\.[1-9]/);
    await expect(compare.getByRole('region', { name: 'Catchment legend' })).toContainText(
      'changes region',
    );

    // Apply before approval is refused by the server too (the button is disabled).
    await expect(view.getByRole('button', { name: 'Apply' })).toBeDisabled();
    const early = await request.post(`/api/proposals/${pid}/apply`, {
      data: {},
      headers: bearer(bob.token),
    });
    expect(early.status()).toBe(409);
    expect((await early.json()).error.code).toBe('ApprovalRequired');

    await view.getByRole('button', { name: 'Approve' }).click();
    await expect(view.locator('.status-chip').first()).toHaveText('approved');
    await expect(view).toContainText(`Approved by${bob.name}`);
    await view.getByRole('button', { name: 'Apply' }).click();
    await expect(view.locator('.status-chip').first()).toHaveText('applied');
    const live = await client.rrsets(zone.id);
    expect(live.map((r) => r.SetIdentifier).filter(Boolean)).toEqual(['oregon']);

    // The main map shows one marker now, the history the batch with its author.
    await openZone(b, zone.id, { name: `app.${zone.name}`, type: 'A', tab: 'history' });
    await expect(b.locator(MAIN_MAP)).toHaveAttribute('data-map-loaded', 'true', {
      timeout: 30_000,
    });
    await expect(b.locator(`${MAIN_MAP} .atlas-marker`)).toHaveCount(1);
    await expect(b.getByRole('button', { name: 'us-west-2 oregon 192.0.2.10' })).toBeVisible();
    const history = b.getByRole('list', { name: 'Applied changes' });
    const top = history.getByRole('listitem').first();
    await expect(top).toContainText('Retire Singapore');
    await expect(top).toContainText(alice.name);
    await top.getByRole('button', { expanded: false }).click();
    await expect(top.getByRole('region', { name: /Changes in v/ })).toContainText('singapore');
    // Its impact as recorded when it was applied.
    await expect(top.getByRole('article', { name: `Impact on app.${zone.name} A` })).toContainText(
      'of population moves',
    );

    // --- alice proposes the rollback from History; it opens in Review.
    await openZone(a, zone.id, { tab: 'history' });
    const aTop = a.getByRole('list', { name: 'Applied changes' }).getByRole('listitem').first();
    await aTop.getByRole('button', { expanded: false }).click();
    await expect(aTop.getByRole('button', { name: 'Roll back now…' })).toHaveCount(0); // admin only
    await aTop.getByRole('button', { name: 'Propose rollback' }).click();
    const rollback = a.getByRole('article', { name: /^Proposal P/ });
    await expect(rollback).toContainText('Roll back');
    await expect(rollback.locator('.status-chip').first()).toHaveText('pending');
    const rid = ((await rollback.getAttribute('aria-label')) ?? '').replace('Proposal ', '');
    expect(rid).not.toBe(pid);
    await expect(
      rollback
        .getByRole('region', { name: `Changes in ${rid}` })
        .getByRole('row')
        .filter({ hasText: 'singapore' }),
    ).toContainText('added');

    // bob approves and applies the rollback: singapore is back exactly as it was.
    await openReview(b, zone.id, { proposal: rid });
    const rview = b.getByRole('article', { name: `Proposal ${rid}` });
    await rview.getByRole('button', { name: 'Approve' }).click();
    await expect(rview.locator('.status-chip').first()).toHaveText('approved');
    await rview.getByRole('button', { name: 'Apply' }).click();
    await expect(rview.locator('.status-chip').first()).toHaveText('applied');
    const restored = (await client.rrsets(zone.id)).find((r) => r.SetIdentifier === 'singapore');
    expect(restored).toEqual(singapore);

    await a.context().close();
    await b.context().close();
  });

  test('a viewer sees no edit controls; a stale proposal explains itself and rebases', async ({
    browser,
    request,
    zone,
  }) => {
    test.slow();
    const client = api(request);
    const vera = await createToken('vera', 'viewer');
    const carol = await createToken('carol', 'editor');
    const oregon = latencyA(zone.name, 'app', 'oregon', 'us-west-2', '192.0.2.10');
    await client.change(zone.id, { Changes: [{ Action: 'CREATE', ResourceRecordSet: oregon }] });

    // A viewer: reads everything, changes nothing.
    const context = await browser.newContext();
    const v = await context.newPage();
    await signIn(v, vera.token);
    await openZone(v, zone.id);
    await expect(v.locator('.session-who')).toContainText('viewer');
    await expect(recordTable(v).getByRole('row').filter({ hasText: 'oregon' })).toBeVisible();
    await expect(v.getByRole('button', { name: 'Create record' })).toHaveCount(0);
    await expect(v.getByRole('button', { name: /^Edit / })).toHaveCount(0);
    await expect(v.getByRole('button', { name: /^Delete / })).toHaveCount(0);
    await expect(v.getByText('Read only')).toBeVisible();
    await expect(v.getByRole('button', { name: 'New zone' })).toBeDisabled();

    // carol (editor) proposes through the API; then the zone moves on under her proposal.
    const created = await request.post(`/api/zones/${zone.id}/proposals`, {
      data: {
        Comment: 'Add Frankfurt',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: latencyA(
              zone.name,
              'app',
              'frankfurt',
              'eu-central-1',
              '192.0.2.30',
            ),
          },
        ],
      },
      headers: bearer(carol.token),
    });
    expect(created.status()).toBe(201);
    const pid = (await created.json()).id as string;
    await client.change(zone.id, {
      Comment: 'Longer TTL',
      Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...oregon, TTL: 300 } }],
    });

    // The viewer sees the proposal but no decisions, and the zone setting is admin-only.
    await openReview(v, zone.id, { proposal: pid });
    const vview = v.getByRole('article', { name: `Proposal ${pid}` });
    await expect(vview).toContainText('Add Frankfurt');
    await expect(vview.getByRole('button', { name: 'Approve' })).toHaveCount(0);
    await expect(vview).toContainText('deciding needs an approver');
    const setting = v.getByRole('checkbox', {
      name: 'Require approval by someone other than the author',
    });
    await expect(setting).toBeDisabled();
    await expect(v.getByRole('tab', { name: /Review/ }).locator('.tab-badge')).toHaveText('1');
    await context.close();

    // carol (the author) applies: 409 StaleProposal shows what changed since, and Rebase fixes it.
    const c = await browser.newContext();
    const cp = await c.newPage();
    await signIn(cp, carol.token);
    await openReview(cp, zone.id, { proposal: pid });
    const cview = cp.getByRole('article', { name: `Proposal ${pid}` });
    await expect(cview).toContainText('zone is now v');
    await cview.getByRole('button', { name: 'Apply' }).click();
    const notice = cview.getByRole('alert').filter({ hasText: 'Not applied' });
    await expect(notice).toBeVisible();
    await expect(notice.getByRole('list', { name: 'Changed since' })).toContainText('Longer TTL');
    await cview.getByRole('button', { name: 'Rebase' }).click();
    await expect(cview).toContainText('(current)');
    await expect(notice).toBeHidden();
    await cview.getByRole('button', { name: 'Apply' }).click();
    await expect(cview.locator('.status-chip').first()).toHaveText('applied');
    const sets = (await client.rrsets(zone.id)).map((r) => r.SetIdentifier).filter(Boolean);
    expect(sets.sort()).toEqual(['frankfurt', 'oregon']);
    await c.close();
  });

  test('an admin rolls a batch back at once from History, after confirming', async ({
    page,
    request,
    zone,
  }) => {
    // The page is signed in as the admin (the fixture's default).
    const client = api(request);
    const oregon = latencyA(zone.name, 'app', 'oregon', 'us-west-2', '192.0.2.10');
    const tokyo = latencyA(zone.name, 'app', 'tokyo', 'ap-northeast-1', '192.0.2.40');
    await client.change(zone.id, { Changes: [{ Action: 'CREATE', ResourceRecordSet: oregon }] });
    await client.change(zone.id, {
      Comment: 'Add Tokyo',
      Changes: [{ Action: 'CREATE', ResourceRecordSet: tokyo }],
    });
    await openZone(page, zone.id, { tab: 'history' });
    await expect(page.locator('.session-who')).toContainText('admin');
    const top = page.getByRole('list', { name: 'Applied changes' }).getByRole('listitem').first();
    await expect(top).toContainText('Add Tokyo');
    await top.getByRole('button', { expanded: false }).click();
    await top.getByRole('button', { name: 'Roll back now…' }).click();
    const confirm = page.getByRole('dialog', { name: /^Roll back v2 now/ });
    await expect(confirm).toContainText('without review');
    await confirm.getByRole('button', { name: 'Roll back now' }).click();
    await expect
      .poll(async () => (await client.rrsets(zone.id)).map((r) => r.SetIdentifier).filter(Boolean))
      .toEqual(['oregon']);
    // The rollback is itself a batch in the history, by the admin.
    const newest = page
      .getByRole('list', { name: 'Applied changes' })
      .getByRole('listitem')
      .first();
    await expect(newest).toContainText('Roll back');
    await expect(newest).toContainText('admin-env');
  });

  test('where approval is required, an editor imports into a proposal, not the live zone', async ({
    browser,
    request,
    zone,
  }) => {
    const dana = await createToken('dana', 'editor');
    await request.put(`/api/zones/${zone.id}/settings`, {
      data: { requireApproval: true },
      headers: ADMIN_HEADERS,
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, dana.token);
    const posts = watchChangePosts(page);
    await openZone(page, zone.id, { tab: 'import-export' });
    const batch = {
      Comment: 'Frankfurt for app',
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: latencyA(zone.name, 'app', 'frankfurt', 'eu-central-1', '192.0.2.30'),
        },
      ],
    };
    await page.getByLabel('Route 53 JSON', { exact: true }).fill(JSON.stringify(batch));
    await page.getByRole('button', { name: 'Propose 1 change' }).click();
    const proposal = page.getByRole('article', { name: /^Proposal P/ });
    await expect(proposal).toContainText('Frankfurt for app');
    await expect(proposal.locator('.status-chip').first()).toHaveText('pending');
    await expect(proposal).toContainText('someone else has to approve it');
    expect(posts).toEqual([]);
    // Only the zone's own apex NS and SOA.
    expect((await api(request).rrsets(zone.id)).map((r) => r.Type)).toEqual(['NS', 'SOA']);
    await context.close();
  });
});
