import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as pwRequest } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/domain/open311/webhooks.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { browserSuite } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };
const HQ = '310105008';

/** A webhook receiver on 127.0.0.1 (allow-listed for this server). */
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.end('ok');
  });
});

describeBrowser('console: Open311 integrations (keys, webhooks, delivery log)', () => {
  const suite = browserSuite({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true' });
  let hookUrl: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/closeloop`;
  });
  afterAll(async () => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('an administrator issues a key (shown once), a POST with it files a case, and its signed delivery shows in the log', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-open311');
    await page.getByTestId('o311-name').fill('市民随手拍 App');
    await page.getByTestId('o311-rate').fill('30');
    await page.getByTestId('o311-webhook').fill(hookUrl);
    await page.getByTestId('o311-issue-submit').click();
    const box = page.getByTestId('o311-secret-box');
    await box.waitFor();
    expect(await box.textContent()).toContain('无法再次查看');
    const key = (await page.getByTestId('o311-new-key').textContent())!;
    const secret = (await page.getByTestId('o311-new-secret').textContent())!;
    expect(key).toMatch(/^cl311_[A-Za-z0-9_-]{43}$/);
    const row = page.locator('[data-testid=o311-key-row]', { hasText: '市民随手拍 App' });
    await row.waitFor();
    expect(await row.locator('[data-col=rate]').textContent()).toBe('30');
    expect(await row.locator('[data-col=subdistricts]').textContent()).toBe('虹桥街道');
    expect(await row.locator('[data-col=last-used]').textContent()).toBe('从未使用');
    expect(await row.locator('[data-col=created]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const stored = await suite.server.db.selectFrom('open311_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key);

    // The integration files a request with the key.
    const hq = await suite.server.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const site = await suite.server.db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const app = await pwRequest.newContext({ baseURL: suite.server.url });
    const filed = await app.post('/open311/v2/requests.json', {
      form: { api_key: key, jurisdiction_id: HQ, service_code: 'A0301', lat: String(site.lat), long: String(site.lng), 'attribute[site_kind]': 'bin_room', description: '箱房门口垃圾满溢' },
    });
    expect(filed.status(), await filed.text()).toBe(200);
    const number = (await filed.json())[0].service_request_id as string;
    await app.dispose();

    // Shown once: a reload shows the key no more, and the list never carries it.
    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId('o311-secret-box').count()).toBe(0);
    expect(await (await page.request.get('/api/open311/keys')).text()).not.toContain(key);
    expect(await row.locator('[data-col=last-used]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // The delivery log: queued, then sent by a round of the job (run from the console's job API), signed with the secret shown once.
    await row.getByTestId('o311-show-deliveries').click();
    const log = page.getByTestId('o311-deliveries');
    const delivery = log.locator('[data-testid=o311-delivery-row]', { hasText: number });
    await delivery.waitFor();
    expect(await delivery.getAttribute('data-status')).toBe('pending');
    expect(await delivery.locator('[data-col=event]').textContent()).toBe('已受理');
    // Jobs act on every subdistrict: a district-level administrator runs one by hand.
    const district = await pwRequest.newContext({ baseURL: suite.server.url });
    const signed = await district.post('/api/auth/sign-in', { data: { username: 'district-admin', password: DEMO_PASSWORD } });
    expect(signed.status(), await signed.text()).toBe(200);
    const ran = await district.post('/api/jobs/open311-webhooks/run', { headers: { 'content-type': 'application/json' }, data: {} });
    expect(ran.status(), await ran.text()).toBe(200);
    await district.dispose();
    await log.getByTestId('o311-delivery-refresh').click();
    await eventually(() => delivery.getAttribute('data-status')).toBe('sent');
    expect(await delivery.locator('[data-col=state]').textContent()).toBe('已送达');
    expect(await delivery.locator('[data-col=code]').textContent()).toBe('200');
    expect(await delivery.locator('[data-col=attempts]').textContent()).toBe('1');
    expect(await delivery.locator('[data-col=sent]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(received).toHaveLength(1);
    const got = received[0]!;
    const ts = got.headers['x-closeloop-timestamp'] as string;
    expect(verifyWebhook(secret, ts, got.body, got.headers['x-closeloop-signature'] as string)).toBe(true);
    expect(JSON.parse(got.body)[0].service_request_id).toBe(number);
    await log.getByTestId('o311-delivery-state').selectOption('failed');
    await log.getByTestId('o311-delivery-empty').waitFor();

    // Editing the rate is audited; revoking asks first.
    await row.getByTestId('o311-edit').click();
    await page.getByTestId('o311-edit-form').getByTestId('o311-rate').fill('5');
    await page.getByTestId('o311-edit-form-submit').click();
    await page.getByTestId('o311-info').waitFor();
    await eventually(() => row.locator('[data-col=rate]').textContent()).toBe('5');
    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('o311-revoke').click();
    await eventually(() => row.getAttribute('data-revoked')).toBe('true');
    const trail = await suite.server.db.selectFrom('audit_log').select('action').where('entity', '=', 'open311_key').orderBy('seq').execute();
    expect(trail.map((a) => a.action)).toEqual(['open311_key.issue', 'open311_key.update', 'open311_key.revoke']);
    await ctx.close();
  });

  it('a non-administrator sees no Open311 page in the menu, is turned away from its address, and the API refuses', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('nav-tokens').waitFor({ state: 'attached' });
    expect(await page.getByTestId('nav-open311').count()).toBe(0);
    await page.goto('/open311');
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('open311-page').count()).toBe(0);
    expect((await page.request.get('/api/open311/keys')).status()).toBe(403);
    const issued = await page.request.post('/api/open311/keys', { headers: { 'content-type': 'application/json' }, data: { name: 'x', subdistrictIds: ['any'] } });
    expect(issued.status()).toBe(403);
    await ctx.close();
  });
});
