import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCatalogue } from '../../src/domain/services-catalogue/export-catalogue.js';
import { importCatalogue } from '../../src/domain/services-catalogue/import-catalogue.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { writeZipBomb } from '../helpers/hostile-xlsx.js';
import { multipart } from '../helpers/xlsx.js';
import { actorOf, servicesContext } from './helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-catalogue-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Edits cells of an exported workbook as a person would in Excel. */
async function edit(bytes: Buffer, change: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  change(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const headerIndex = (ws: ExcelJS.Worksheet, header: string) => (ws.getRow(1).values as unknown[]).indexOf(header);
function rowOf(ws: ExcelJS.Worksheet, header: string, value: string): ExcelJS.Row {
  const c = headerIndex(ws, header);
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(c).value === value) return ws.getRow(r);
  throw new Error(`no row with ${header} = ${value}`);
}

describe.each(DIALECTS)('catalogue Excel import and export (%s)', (kind) => {
  let ctx: TestContext;
  let admin: string;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    // The catalogue is district-wide: its administrator has no home subdistrict.
    admin = await signInAs(ctx.app, 'district-admin');
  }, 60_000);
  afterAll(async () => ctx?.close());

  const versionCount = async () => Number((await ctx.handle.db.selectFrom('service_item_versions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('round trip: export → import changes nothing (preview all unchanged, apply writes no version)', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/services/catalogue/export.xlsx', headers: { cookie: await signInAs(ctx.app, 'operator') } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-row-count']).toBe('101');
    const bytes = res.rawPayload;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['事项类别', '办事指南', '申请材料']);
    expect(wb.worksheets[0]!.rowCount).toBe(13);
    expect(wb.worksheets[1]!.rowCount).toBe(102);
    expect(wb.worksheets[2]!.rowCount).toBeGreaterThan(102);
    const before = await versionCount();
    const form = multipart(bytes);
    const preview = await ctx.app.inject({ method: 'POST', url: '/api/services/catalogue/import?dryRun=true', headers: { cookie: admin, ...form.headers }, payload: form.payload });
    expect(preview.statusCode).toBe(200);
    const plan = preview.json();
    expect(plan.errors).toEqual([]);
    expect(plan.counts).toMatchObject({ new: 0, new_version: 0, changed: 0, unchanged: 101, categoriesNew: 0, categoriesChanged: 0, errors: 0 });
    const body = multipart(bytes);
    const apply = await ctx.app.inject({ method: 'POST', url: `/api/services/catalogue/import?digest=${plan.digest}`, headers: { cookie: admin, ...body.headers }, payload: body.payload });
    expect(apply.statusCode).toBe(200);
    expect(apply.json()).toMatchObject({ applied: true, counts: { unchanged: 101 } });
    expect(await versionCount()).toBe(before);
    // A second export reads the same cells.
    const again = (await exportCatalogue(ctx.handle.db, await actorOf(ctx, 'admin'))).bytes;
    const cells = async (b: Buffer) => {
      const w = new ExcelJS.Workbook();
      await w.xlsx.load(b as unknown as ArrayBuffer);
      return w.worksheets.map((ws) => ws.getSheetValues().map((r) => JSON.stringify(r)));
    };
    expect(await cells(again)).toEqual(await cells(bytes));
  });

  it('preview lists new items, new versions and bad rows (Chinese-readable reasons); apply equals the preview; a stale digest is refused', async () => {
    const actor = await actorOf(ctx, 'district-admin');
    const { bytes } = await exportCatalogue(ctx.handle.db, actor);
    const edited = await edit(bytes, (wb) => {
      const items = wb.getWorksheet('办事指南')!;
      // An edit: the FAQ of 住房租赁合同网签备案 → a new version from the given date.
      const rent = rowOf(items, '事项名称', '住房租赁合同网签备案');
      rent.getCell(headerIndex(items, '常见问题')).value = '午休时间可在楼宇窗口办理';
      // A new item in a new category, with a material.
      const row = items.addRow([]);
      const set = (h: string, v: string | number) => (row.getCell(headerIndex(items, h)).value = v);
      set('所属类别', 'Z1'); set('基本编码', '000000000ZZ-01'); set('实施编码', '31010500ZZ-GG-0001'); set('事项名称', '测试新事项'); set('事项类型', '公共服务');
      set('实施主体', '区民政局'); set('法定办结时限', 5); set('承诺办结时限', 3); set('到现场次数', 1); set('办理渠道', '窗口、网办'); set('办理方式', '直接受理');
      set('办理流程', '受理|0|计入\n审核|3|计入');
      // A bad row: an unknown channel and a promised limit above the statutory one.
      const bad = items.addRow([]);
      const setBad = (h: string, v: string | number) => (bad.getCell(headerIndex(items, h)).value = v);
      setBad('所属类别', 'Z1'); setBad('基本编码', '000000000ZZ-02'); setBad('实施编码', '31010500ZZ-GG-0002'); setBad('事项名称', '坏行'); setBad('事项类型', '公共服务');
      setBad('实施主体', '区民政局'); setBad('法定办结时限', 1); setBad('承诺办结时限', 3); setBad('到现场次数', 1); setBad('办理渠道', '邮寄');
      wb.getWorksheet('事项类别')!.addRow(['Z1', '测试类别', 'Test category', 'Z', 99]);
      wb.getWorksheet('申请材料')!.addRow(['31010500ZZ-GG-0001', 1, '身份证', '原件', 1, '是', '否', '']);
    });
    const before = await versionCount();
    const preview = await importCatalogue(ctx.handle.db, ctx.clock, actor, edited, { dryRun: true, effectiveFrom: '2026-06-01' });
    expect(await versionCount()).toBe(before); // a preview writes nothing
    expect(preview.counts).toMatchObject({ new: 1, new_version: 1, unchanged: 100, categoriesNew: 1 });
    expect(preview.items.find((i) => i.kind === 'new_version')).toMatchObject({ nameZh: '住房租赁合同网签备案', version: 2, changes: ['faq'] });
    const reasons = preview.errors.map((e) => `${e.column}: ${e.reason}`);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('办理渠道: unknown channel "邮寄"')]));
    expect(preview.errors.every((e) => e.row === 104)).toBe(true);
    // With the bad row, the apply writes nothing (422, every bad row listed).
    await expect(importCatalogue(ctx.handle.db, ctx.clock, actor, edited, { effectiveFrom: '2026-06-01', digest: preview.digest })).rejects.toMatchObject({ code: 'import_failed' });
    expect(await versionCount()).toBe(before);
    // Without it: preview, then someone publishes a version meanwhile → the stale digest is refused; preview again, apply.
    const fixed = await edit(edited, (wb) => wb.getWorksheet('办事指南')!.spliceRows(104, 1));
    const p2 = await importCatalogue(ctx.handle.db, ctx.clock, actor, fixed, { dryRun: true, effectiveFrom: '2026-06-01' });
    expect(p2.errors).toEqual([]);
    const stale = await ctx.handle.db.selectFrom('service_items').select('id').where('impl_code', '=', preview.items.find((i) => i.kind === 'new_version')!.implCode).executeTakeFirstOrThrow();
    await ctx.handle.db.updateTable('service_items').set({ latest_version: 1 }).where('id', '=', stale.id).execute(); // unchanged, but:
    const other = await importCatalogue(ctx.handle.db, ctx.clock, actor, fixed, { dryRun: true, effectiveFrom: '2026-06-02' });
    await expect(importCatalogue(ctx.handle.db, ctx.clock, actor, fixed, { effectiveFrom: '2026-06-01', digest: other.digest })).rejects.toMatchObject({ code: 'conflict' });
    const applied = await importCatalogue(ctx.handle.db, ctx.clock, actor, fixed, { effectiveFrom: '2026-06-01', digest: p2.digest });
    expect({ ...applied, applied: false }).toEqual(p2);
    expect(await versionCount()).toBe(before + 2);
    const v2 = await ctx.handle.db.selectFrom('service_item_versions').select(['version', 'effective_from', 'faq']).where('item_id', '=', stale.id).orderBy('version').execute();
    expect(v2.at(-1)).toMatchObject({ version: 2, effective_from: '2026-06-01', faq: '午休时间可在楼宇窗口办理' });
    // And the import of what is now there is a no-op again.
    const round = await importCatalogue(ctx.handle.db, ctx.clock, actor, (await exportCatalogue(ctx.handle.db, actor)).bytes, { dryRun: true });
    expect(round.counts).toMatchObject({ new: 0, new_version: 0, changed: 0, unchanged: 102, errors: 0 });
  });

  it('refuses non-administrators, backdating, and hostile files with a 4xx; an apply is audited', async () => {
    const { bytes } = await exportCatalogue(ctx.handle.db, await actorOf(ctx, 'admin'));
    const body = multipart(bytes);
    const operator = await signInAs(ctx.app, 'operator');
    expect((await ctx.app.inject({ method: 'POST', url: '/api/services/catalogue/import?dryRun=true', headers: { cookie: operator, ...body.headers }, payload: body.payload })).statusCode).toBe(403);
    // A subdistrict's administrator does not change the district's catalogue either.
    const local = await ctx.app.inject({ method: 'POST', url: '/api/services/catalogue/import?dryRun=true', headers: { cookie: await signInAs(ctx.app, 'admin'), ...body.headers }, payload: body.payload });
    expect(local.statusCode).toBe(403);
    expect(local.json().error).toMatchObject({ code: 'forbidden', details: { scope: 'district' } });
    await expect(importCatalogue(ctx.handle.db, ctx.clock, await actorOf(ctx, 'admin'), bytes, { dryRun: true })).rejects.toMatchObject({ code: 'forbidden' });
    const back = await ctx.app.inject({ method: 'POST', url: '/api/services/catalogue/import?dryRun=true&effectiveFrom=2026-01-01', headers: { cookie: admin, ...body.headers }, payload: body.payload });
    expect(back.statusCode).toBe(400);
    expect(back.body).toContain('effectiveFrom');
    const bomb = path.join(dir, `bomb-${kind}.xlsx`);
    await writeZipBomb(bomb, 256, true);
    const b = multipart(fs.readFileSync(bomb));
    const res = await ctx.app.inject({ method: 'POST', url: '/api/services/catalogue/import?dryRun=true', headers: { cookie: admin, ...b.headers }, payload: b.payload });
    expect(res.statusCode).toBe(413);
    const apply = await ctx.app.inject({ method: 'POST', url: '/api/services/catalogue/import', headers: { cookie: admin, ...body.headers }, payload: body.payload });
    expect(apply.statusCode).toBe(200);
    const audit = await ctx.handle.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'import.service_catalogue').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it('two applies at once adding the same category: the second reads what the first committed (no 500)', async () => {
    const actor = await actorOf(ctx, 'district-admin');
    const { bytes } = await exportCatalogue(ctx.handle.db, actor);
    const withCategory = await edit(bytes, (wb) => wb.getWorksheet('事项类别')!.addRow(['RC99', '并发类别', 'Concurrent', 'Q', 99]));
    // The first apply has written everything and waits to commit when the second starts.
    let reached!: () => void;
    const atCommit = new Promise<void>((resolve) => (reached = resolve));
    const first = importCatalogue(ctx.handle.db, ctx.clock, actor, withCategory, { beforeCommit: async () => { reached(); await new Promise((r) => setTimeout(r, 300)); } });
    await atCommit;
    const second = importCatalogue(ctx.handle.db, ctx.clock, actor, withCategory);
    const [a, b] = await Promise.all([first, second]);
    expect([a.counts.categoriesNew, b.counts.categoriesNew]).toEqual([1, 0]);
    expect(b.applied).toBe(true);
    expect(await ctx.handle.db.selectFrom('service_categories').select('id').where('code', '=', 'RC99').execute()).toHaveLength(1);
  });

  it('export → import is lossless: text that a cell cannot carry is refused at input, an empty fee stays empty', async () => {
    const categoryId = (await ctx.app.inject({ method: 'GET', url: '/api/services/catalogue', headers: { cookie: admin } })).json().categories[0].id;
    const guide = { nameZh: '往返测试', itemType: '公共服务', department: '区民政局', legalLimitDays: 5, promisedLimitDays: 3, visits: 1, channels: ['counter'], effectiveFrom: '2026-05-26' };
    const post = (code: string, over: object) => ctx.app.inject({ method: 'POST', url: '/api/services/items', headers: { cookie: admin }, payload: { categoryId, basicCode: `RT${code}`, implCode: `RT${code}-01`, guide: { ...guide, ...over } } });
    for (const [code, over, field] of [
      ['1001', { steps: [{ name: '受理|审核', days: 1 }] }, 'guide.steps.0.name'],
      ['1002', { steps: [{ name: '受理\n审核', days: 1 }] }, 'guide.steps.0.name'],
      ['1003', { faq: 'a\u0001b' }, 'guide.faq'],
      ['1004', { materials: [{ name: '身份证\u0007', form: 'original' }] }, 'guide.materials.0.name'],
    ] as const) {
      const res = await post(code, over);
      expect(res.statusCode, code).toBe(400);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field), code).toContain(field);
    }
    expect((await post('2001', { fee: '', faq: '第一行\n第二行' })).statusCode).toBe(201);
    const { bytes } = await exportCatalogue(ctx.handle.db, await actorOf(ctx, 'district-admin'));
    const plan = await importCatalogue(ctx.handle.db, ctx.clock, await actorOf(ctx, 'district-admin'), bytes, { dryRun: true });
    expect(plan.errors).toEqual([]);
    expect(plan.items.find((i) => i.implCode === 'RT2001-01')).toMatchObject({ kind: 'unchanged', changes: [] });
    expect(plan.counts.new_version).toBe(0);
  });
});
