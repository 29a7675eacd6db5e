/// <reference lib="dom" />
import ExcelJS from 'exceljs';
import type { BrowserContext } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { SITE_COLUMNS } from '../../src/domain/registry/site-ledger-columns.js';
import { STAFF_COLUMNS } from '../../src/domain/staff/staff-ledger-columns.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

type Row = Record<string, string | number>;

/** A ledger workbook as an office keeps it: the export's Chinese headers, then data rows. */
async function workbook(headers: string[], rows: Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const siteRow = (n: number, over: Row = {}): Row => ({
  名称: `导入测试箱房${n}`,
  类型: '箱房',
  地址: `安顺路${n}号`,
  居委会: '安顺居民区',
  网格编码: '',
  经度: 121.4215,
  纬度: 31.2001 + n / 10000,
  投放时段: '07:00-09:00,18:00-20:00',
  二维码: `HQ-IMP-${String(n).padStart(4, '0')}`,
  责任人名称: '上海虹桥物业管理有限公司',
  责任人类型: '物业公司',
  联系人: '王伟',
  联系电话: '13800001111',
  ...over,
});

describeBrowser('console: Excel import is checked first, shows row-level errors in Chinese, and writes all rows or none on confirm', () => {
  const suite = browserSuite();
  let admin: BrowserContext;
  const siteHeaders = SITE_COLUMNS.map((c) => c.header);
  const countSites = async () =>
    Number((await suite.server.db.selectFrom('sites').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    admin = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await admin.newPage();
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    await page.getByTestId('site-table').waitFor();
    await page.close();
  });

  it('uses the Chinese ledger headers of the export', () => {
    expect(siteHeaders).toEqual(['名称', '类型', '地址', '居委会', '网格编码', '经度', '纬度', '投放时段', '二维码', '责任人名称', '责任人类型', '联系人', '联系电话']);
  });

  it('a workbook with one bad row shows that row, its column and the reason; nothing is written', async () => {
    const before = await countSites();
    // Rows 2, 3 and 5 are fine; row 4 (the third data row) has a longitude outside China.
    const file = await workbook(siteHeaders, [siteRow(1), siteRow(2), siteRow(3, { 经度: 200 }), siteRow(4)]);
    const page = await admin.newPage();
    await page.goto('/sites');
    await page.getByTestId('site-import').waitFor();
    await page.getByTestId('site-import-file').setInputFiles({ name: '点位台账.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    const table = page.getByTestId('import-row-errors');
    await table.waitFor();
    const cells = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(cells.length).toBe(1);
    expect(cells[0]![0]).toBe('4');
    expect(cells[0]![1]).toBe('经度');
    expect(cells[0]![2]).toBe('位置不在中国境内');
    expect(await page.getByTestId('import-result').textContent()).toContain('导入失败，未写入任何数据');
    expect(await countSites()).toBe(before);
    await page.close();
  });

  it('the corrected workbook is previewed without writing; cancel writes nothing, confirm imports every row, found by search', async () => {
    const before = await countSites();
    const file = await workbook(siteHeaders, [siteRow(1), siteRow(2), siteRow(3), siteRow(4)]);
    const page = await admin.newPage();
    await page.goto('/sites');
    const choose = () => page.getByTestId('site-import-file').setInputFiles({ name: 'ledger.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    await choose();
    await eventually(() => page.getByTestId('import-preview').textContent()).toContain('共 4 条记录');
    expect(await countSites()).toBe(before);
    await page.getByRole('button', { name: '取消' }).click();
    expect(await page.getByTestId('import-result').count()).toBe(0);
    expect(await countSites()).toBe(before);
    await choose();
    await page.getByTestId('import-confirm').click();
    await eventually(() => page.getByTestId('import-result').textContent()).toContain('已成功导入 4 条记录');
    expect(await countSites()).toBe(before + 4);
    await page.getByRole('button', { name: '关闭' }).click();
    await page.getByTestId('site-search').fill('导入测试箱房');
    await page.getByTestId('site-search-submit').click();
    await eventually(() => page.getByTestId('site-total').textContent()).toBe('共 4 条');
    await page.close();
  });

  it('a file that is not a workbook gets a clear message instead of a row table', async () => {
    const page = await admin.newPage();
    await page.goto('/sites');
    await page.getByTestId('site-import-file').setInputFiles({ name: 'notes.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('just some text, not a zip') });
    await eventually(() => page.getByTestId('import-result').textContent()).toContain('文件类型不受支持');
    expect(await page.getByTestId('import-row-errors').count()).toBe(0);
    await page.close();
  });

  it('the staff page imports a staff ledger with a bad role and names that row', async () => {
    const headers = STAFF_COLUMNS.map((c) => c.header);
    const file = await workbook(headers, [
      { 用户名: 'imported.one', 姓名: '导入一', 手机: '13900000001', 角色: '市容辅助力量', 街道: '虹桥街道', 初始密码: 'longpassword1' },
      { 用户名: 'imported.two', 姓名: '导入二', 手机: '13900000002', 角色: '宇航员', 街道: '虹桥街道', 初始密码: 'longpassword2' },
    ]);
    const page = await admin.newPage();
    await page.goto('/staff');
    await page.getByTestId('staff-table').waitFor();
    await page.getByTestId('staff-import-file').setInputFiles({ name: 'staff.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    const table = page.getByTestId('import-row-errors');
    await table.waitFor();
    const first = await table.locator('tbody tr').first().locator('td').allTextContents();
    expect(first.slice(0, 2)).toEqual(['3', '角色']);
    expect(first[2]).toMatch(/^无法识别的角色“宇航员”，应为以下之一：/);
    expect(await suite.server.db.selectFrom('users').select('id').where('username', 'in', ['imported.one', 'imported.two']).execute()).toEqual([]);
    await page.close();
  });

  it('the export link downloads the ledger of the filtered list', async () => {
    const page = await admin.newPage();
    await page.goto('/sites?kind=institution');
    await page.getByTestId('site-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('site-export').click()]);
    const path = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path!);
    const ws = wb.worksheets[0]!;
    const hongqiao = await suite.server.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const units = await suite.server.db.selectFrom('sites').select('id').where('kind', '=', 'institution').where('subdistrict_id', '=', hongqiao.id).where('status', '=', 'active').execute();
    const kindColumn = siteHeaders.indexOf('类型') + 1;
    const kinds: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value) kinds.push(String(row.getCell(kindColumn).value));
    });
    expect(kinds.length).toBe(units.length);
    expect(new Set(kinds)).toEqual(new Set(['社区单位']));
    await page.close();
  });
});
