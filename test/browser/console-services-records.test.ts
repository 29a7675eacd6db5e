import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { ensureServicesDemo, midMorning, recordAtWindow } from './helpers/services.js';
import { saveShot } from './helpers/shots.js';
import { browserSuite } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };
const ID = withCheckDigit('31010519790606104');

describeBrowser('console: 一网通办 records', () => {
  // Office hours on a working day: a 即办 record accepted after the 17:30 close is due at once, and
  // this test completes its record on time.
  const suite = browserSuite({}, { clock: midMorning });
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it("the desk finds a record with its ID masked, reveals it with a reason (logged and listed), and completes it", async () => {
    const db = suite.server.db;
    const rec = await recordAtWindow(suite.server, suite.browser, 'window1', { name: '顾晓梅', idNumber: ID, phone: null });
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-yw-records');
    await page.getByTestId('yw-rec-item').selectOption(rec.item.id);
    const row = page.getByTestId(`yw-record-${rec.record.number}`);
    await row.waitFor();
    const listed = await row.textContent();
    expect(listed).toContain(`${ID.slice(0, 3)}***********${ID.slice(-4)}`);
    expect(listed).not.toContain(ID);
    await row.getByRole('link').click();
    await page.getByTestId('yw-record-page').waitFor();
    expect(await page.getByTestId('yw-id-applicant-value').textContent()).not.toContain(ID);
    await eventually(() => page.getByTestId('yw-rec-materials').locator('tr[data-state="received"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('yw-reveal-log').textContent()).toContain('尚无人查看过完整号码');

    // no reason, no reveal; with one, the number shows and the log lists who, when and why
    await page.getByTestId('yw-reveal-applicant').click();
    expect(await page.getByTestId('yw-reveal-applicant-submit').isDisabled()).toBe(true);
    await page.getByTestId('yw-reveal-applicant-reason').fill('核对申请人身份');
    await page.getByTestId('yw-reveal-applicant-submit').click();
    await eventually(() => page.getByTestId('yw-id-applicant-value').textContent()).toBe(ID);
    await eventually(() => page.getByTestId('yw-reveal-row').count()).toBe(1);
    expect(await page.getByTestId('yw-reveal-row').textContent()).toContain('核对申请人身份');
    await saveShot(page, 'yw-record-revealed');
    const logged = await db.selectFrom('service_id_reveals').innerJoin('users', 'users.id', 'service_id_reveals.user_id').select(['users.username', 'reason', 'field']).where('record_id', '=', rec.record.id).execute();
    expect(logged).toEqual([{ username: 'operator', reason: '核对申请人身份', field: 'applicant' }]);
    const audit = await db.selectFrom('audit_log').select(['action', 'after_json']).where('entity_id', '=', rec.record.id).where('action', '=', 'reveal.id_number').execute();
    expect(audit).toHaveLength(1);
    expect(String(audit[0]!.after_json)).not.toContain(ID);

    // 办结 needs the delivery; then the record is completed, on time
    await page.getByTestId('yw-step-complete').click();
    expect(await page.getByTestId('yw-step-submit').isDisabled()).toBe(true);
    await page.getByTestId('yw-step-delivery').selectOption('on_site');
    await page.getByTestId('yw-step-submit').click();
    await eventually(() => page.getByTestId('yw-record-page').getAttribute('data-status')).toBe('completed');
    await page.getByTestId('yw-steps-finished').waitFor();
    const row2 = await db.selectFrom('service_records').select(['status', 'delivery', 'on_time']).where('id', '=', rec.record.id).executeTakeFirstOrThrow();
    expect(row2).toEqual({ status: 'completed', delivery: 'on_site', on_time: 1 });
    await ctx.close();
  });
});
