import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cell, multipart, SITE_HEADER, STAFF_HEADER, sheetRows, workbook } from '../helpers/xlsx.js';

const UPLOAD_LIMIT = 64 * 1024;
/** A valid zip holding only hello.txt. */
const ZIP_WITHOUT_WORKBOOK = Buffer.from('UEsDBBQAAAAAAJiAel2sKpPYAgAAAAIAAAAJAAAAaGVsbG8udHh0aGlQSwECFAMUAAAAAACYgHpdrCqT2AIAAAACAAAACQAAAAAAAAAAAAAAgAEAAAAAaGVsbG8udHh0UEsFBgAAAAABAAEANwAAACkAAAAAAA==', 'base64');
const NEW_PASSWORD = 'Welcome2026!';

for (const dialect of DIALECTS) {
  describe(`Excel ledgers API [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let cadre01: string;
    let operator: string;
    let xxAdmin: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect, { UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT) });
      admin = await signInAs(ctx.app, 'admin');
      cadre01 = await signInAs(ctx.app, 'cadre01');
      operator = await signInAs(ctx.app, 'operator');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
    });
    afterAll(async () => ctx.close());

    const count = async (table: 'sites' | 'users' | 'responsible_parties' | 'user_scopes') =>
      Number((await ctx.handle.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const upload = async (cookie: string, url: string, bytes: Buffer, opts: Parameters<typeof multipart>[1] = {}) => {
      const body = multipart(bytes, opts);
      return ctx.app.inject({ method: 'POST', url, headers: { cookie, ...body.headers }, payload: body.payload });
    };
    const sitesFile = (rows: Cell[][]) => workbook([SITE_HEADER, ...rows]);
    const good = (n: number): Cell[] => [`导入测试商铺${n}`, '沿街商铺', `安顺路${n}号`, '安顺居民区', null, 121.4215, 31.2001, null, null, null, null, null, null];

    it('imports bin rooms, units and shops with every column of the ledger', async () => {
      const before = await count('sites');
      const file = await sitesFile([
        ['导入测试小区1号箱房', '箱房', '安顺路1弄导入测试小区', '安顺居民区', '310105008001001', 121.4215, 31.2001, '07:00-09:00,18:00-20:00', 'IMP-BR-0001', '导入测试物业公司', '物业公司', '王五', '13900000001'],
        ['导入测试社区学校', '社区单位', '安顺路2号', '安顺', null, 121.4216, 31.2002, null, null, '导入测试社区学校', '单位', '李四', '021-62000000'],
        ['导入测试便利店（安顺路店）', 'shop', '安顺路3号', '虹储居民区', null, '121.4217', '31.2003', null, null, '导入测试便利店 经营者 赵六', null, '赵六', 13800000002],
      ]);
      const res = await upload(admin, '/api/import/sites', file);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ imported: 3, dryRun: false });
      expect(await count('sites')).toBe(before + 3);

      const list = (await ctx.app.inject({ method: 'GET', url: `/api/sites?q=${encodeURIComponent('导入测试')}&limit=10`, headers: { cookie: admin } })).json();
      const byName = Object.fromEntries(list.items.map((s: { name: string }) => [s.name, s]));
      expect(byName['导入测试小区1号箱房']).toMatchObject({
        kind: 'bin_room', committeeName: '安顺居民区', gridCode: '310105008001001', lng: 121.4215, lat: 31.2001, qrCode: 'IMP-BR-0001',
        disposalHours: [['07:00', '09:00'], ['18:00', '20:00']],
        responsibleParty: { name: '导入测试物业公司', kind: 'property_company', contactName: '王五', contactPhone: '13900000001' },
      });
      expect(byName['导入测试社区学校']).toMatchObject({ kind: 'institution', committeeName: '安顺居民区', responsibleParty: { kind: 'unit' } });
      // A blank 责任人类型 takes the usual kind for the site; a numeric phone cell stays a phone number.
      expect(byName['导入测试便利店（安顺路店）']).toMatchObject({
        kind: 'shop', committeeName: '虹储居民区', lng: 121.4217,
        responsibleParty: { kind: 'shop_operator', contactPhone: '13800000002' },
      });
    });

    it('accepts English headers and ids, and a dry run validates without writing', async () => {
      const before = await count('sites');
      const file = await workbook([
        ['name', 'kind', 'address', 'committee', 'lng', 'lat', 'qr code'],
        ['Dry run shop', 'shop', '安顺路9号', '安顺居民区', 121.42, 31.2, 'DRY-0001'],
        ['Dry run bin room', 'bin_room', '安顺路9弄', '安顺居民区', 121.42, 31.2, 'DRY-0002'],
      ]);
      const res = await upload(admin, '/api/import/sites?dryRun=true', file);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ imported: 2, dryRun: true });
      expect(await count('sites')).toBe(before);
    });

    it('reports one bad row among good ones by row, column and reason, and writes nothing', async () => {
      const before = { sites: await count('sites'), parties: await count('responsible_parties') };
      const bad = good(3);
      bad[5] = 0.5; // longitude outside China
      const file = await sitesFile([
        [...good(1).slice(0, 9), '导入失败测试 经营者', '商铺经营者', '钱七', '13900000002'],
        good(2),
        bad,
        good(4),
      ]);
      const res = await upload(admin, '/api/import/sites', file);
      expect(res.statusCode).toBe(422);
      const err = res.json().error;
      expect(err.code).toBe('import_failed');
      expect(err.details.rows).toEqual([{ row: 4, column: '经度', reason: 'outside China' }]);
      expect({ sites: await count('sites'), parties: await count('responsible_parties') }).toEqual(before);
    });

    it('reports every bad row: unknown values, duplicates in the file and in the database, domain rules', async () => {
      const before = await count('sites');
      const row = (n: number, patch: Record<number, Cell>) => {
        const r = good(n);
        for (const [i, v] of Object.entries(patch)) r[Number(i)] = v;
        return r;
      };
      const file = await sitesFile([
        row(1, { 8: 'DUP-0001' }), // sheet row 2: fine on its own
        row(2, { 1: '仓库' }), // 3
        row(3, { 8: 'HQ-BR-0001' }), // 4: a demo bin room already has it
        row(4, { 8: 'DUP-0001' }), // 5: same as row 2
        row(5, { 4: '310105008002001' }), // 6: a 虹储 grid on an 安顺 site
        row(6, { 7: '07:00-09:00' }), // 7: shops have no disposal hours
        row(7, { 2: null }), // 8: no address
        row(8, { 1: '箱房', 7: 'morning' }), // 9
        row(9, { 10: '房东' }), // 10: a party kind but no party name
      ]);
      const res = await upload(admin, '/api/import/sites', file);
      expect(res.statusCode).toBe(422);
      const rows = res.json().error.details.rows;
      expect(rows).toEqual([
        { row: 3, column: '类型', reason: expect.stringContaining('unknown kind "仓库"') },
        { row: 4, column: '二维码', reason: 'already used' },
        { row: 5, column: '二维码', reason: 'QR code DUP-0001 is also on row 2' },
        { row: 6, column: '网格编码', reason: 'grid belongs to another committee' },
        { row: 7, column: '投放时段', reason: 'only bin rooms have disposal hours' },
        { row: 8, column: '地址', reason: 'required' },
        { row: 9, column: '投放时段', reason: expect.stringContaining('cannot read "morning"') },
        { row: 10, column: '责任人名称', reason: expect.stringContaining('required') },
      ]);
      expect(res.json().error.details.errorCount).toBe(8);
      expect(await count('sites')).toBe(before);
    });

    it('refuses a bin room whose disposal windows overlap, naming the column, and writes nothing', async () => {
      const before = { sites: await count('sites'), parties: await count('responsible_parties') };
      const binRoom = (n: number, hours: string): Cell[] => [`导入时段测试${n}号箱房`, '箱房', `安顺路${n}弄`, '安顺居民区', null, 121.4215, 31.2001, hours, `IMP-HRS-${n}`, '导入时段测试物业', '物业公司', null, null];
      const file = await sitesFile([
        binRoom(1, '07:00-09:00,18:00-20:00'),
        binRoom(2, '07:00-09:00,08:00-10:00'),
        binRoom(3, '18:00-20:00,18:00-20:00'),
      ]);
      const res = await upload(admin, '/api/import/sites', file);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('import_failed');
      const overlap = 'windows must not overlap: each starts at or after the end of the one before';
      expect(res.json().error.details.rows).toEqual([
        { row: 3, column: '投放时段', reason: overlap },
        { row: 4, column: '投放时段', reason: overlap },
      ]);
      expect({ sites: await count('sites'), parties: await count('responsible_parties') }).toEqual(before);
    });

    /** A site ledger below a title row merged across the sheet, with the given ranges merged. */
    const mergedFile = async (rows: Cell[][], ranges: string[]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('点位台账');
      ws.addRow(['安顺居民区沿街商铺台账']);
      ws.mergeCells('A1:M1');
      ws.addRow(SITE_HEADER);
      for (const r of rows) ws.addRow(r);
      for (const range of ranges) ws.mergeCells(range);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const party = (n: number, first: boolean): Cell[] => [
      `合并单元格测试商铺${n}`, '沿街商铺', `安顺路${n}号`, first ? '安顺居民区' : null, null, 121.4215, 31.2001, null, null,
      first ? '合并测试物业公司' : null, first ? '物业公司' : null, first ? '王师傅' : null, first ? '13900000009' : null,
    ];

    it('fills a value merged down a column into every row of its range, as the sheet shows it', async () => {
      const own: Cell[] = ['合并单元格测试商铺4', '沿街商铺', '安顺路4号', '虹储居民区', null, 121.4215, 31.2001, null, null, null, null, null, null];
      const file = await mergedFile([party(1, true), party(2, false), party(3, false), own], ['D3:D5', 'J3:J5', 'K3:K5', 'L3:L5', 'M3:M5']);
      const res = await upload(admin, '/api/import/sites', file);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ imported: 4, dryRun: false });
      const list = (await ctx.app.inject({ method: 'GET', url: `/api/sites?q=${encodeURIComponent('合并单元格测试商铺')}&limit=10`, headers: { cookie: admin } })).json();
      const byName = Object.fromEntries(list.items.map((x: { name: string }) => [x.name, x]));
      for (const n of [1, 2, 3]) {
        expect(byName[`合并单元格测试商铺${n}`]).toMatchObject({
          committeeName: '安顺居民区',
          responsibleParty: { name: '合并测试物业公司', kind: 'property_company', contactName: '王师傅', contactPhone: '13900000009' },
        });
      }
      // The row below the merged ranges keeps its own cells.
      expect(byName['合并单元格测试商铺4']).toMatchObject({ committeeName: '虹储居民区', responsibleParty: null });
    });

    it('refuses cells merged across columns, or joining the header to the rows below, naming the range; writes nothing', async () => {
      const before = { sites: await count('sites'), parties: await count('responsible_parties') };
      const across = await upload(admin, '/api/import/sites', await mergedFile([party(11, true), party(12, false)], ['L3:M3', 'J3:J4']));
      expect(across.statusCode).toBe(422);
      expect(across.json().error.code).toBe('import_failed');
      expect(across.json().error.details.rows).toEqual([
        { row: 3, column: '联系人', reason: 'merged cells L3:M3 span several columns; unmerge them and fill in each cell' },
      ]);
      const intoHeader = await upload(admin, '/api/import/sites', await mergedFile([party(13, true), party(14, true)], ['I2:I4']));
      expect(intoHeader.statusCode).toBe(422);
      expect(intoHeader.json().error.details.rows).toEqual([
        { row: 3, column: '二维码', reason: 'merged cells I2:I4 join the header to the rows below; unmerge them and fill in each cell' },
      ]);
      expect({ sites: await count('sites'), parties: await count('responsible_parties') }).toEqual(before);
    });

    it('names a missing column, and refuses a sheet without data rows', async () => {
      const noLat = await workbook([SITE_HEADER.filter((h) => h !== '纬度'), ['某店', '沿街商铺', '安顺路1号', '安顺居民区', null, 121.42]]);
      const res = await upload(admin, '/api/import/sites', noLat);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.details.rows).toEqual([{ row: 1, column: '纬度', reason: 'required column is missing' }]);

      const headerOnly = await upload(admin, '/api/import/sites', await sitesFile([]));
      expect(headerOnly.statusCode).toBe(422);
      expect(headerOnly.json().error.details.rows).toEqual([{ row: 2, column: '名称', reason: 'the sheet has no data rows' }]);

      const blank = await upload(admin, '/api/import/sites', await workbook([]));
      expect(blank.statusCode).toBe(422);
      expect(blank.json().error.details.rows.map((r: { column: string }) => r.column)).toEqual(['名称', '类型', '地址', '居委会', '经度', '纬度']);
    });

    it('finds the header below a title row and reports sheet row numbers', async () => {
      const file = await workbook([['虹桥街道沿街商铺台账（2026年5月）'], SITE_HEADER, good(1), [...good(2).slice(0, 5), 'x', 31.2]]);
      const res = await upload(admin, '/api/import/sites?dryRun=true', file);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.details.rows).toEqual([{ row: 4, column: '经度', reason: '"x" is not a number' }]);
    });

    it('checks the upload before parsing it: multipart, the file field, size, type, a readable workbook', async () => {
      const before = await count('sites');
      const json = await ctx.app.inject({ method: 'POST', url: '/api/import/sites', headers: { cookie: admin }, payload: { file: 'x' } });
      expect(json.statusCode).toBe(415);
      expect(json.json().error.code).toBe('unsupported_media_type');

      const octets = await ctx.app.inject({
        method: 'POST', url: '/api/import/sites', headers: { cookie: admin, 'content-type': 'application/octet-stream' }, payload: Buffer.from('PK'),
      });
      expect(octets.statusCode).toBe(415);

      const wrongField = await upload(admin, '/api/import/sites', await sitesFile([good(1)]), { field: 'upload' });
      expect(wrongField.statusCode).toBe(400);
      expect(wrongField.json().error.details.fields[0].field).toBe('file');

      const text = await upload(admin, '/api/import/sites', Buffer.from('名称,类型\n某店,沿街商铺\n'), { filename: 'ledger.csv', contentType: 'text/csv' });
      expect(text.statusCode).toBe(415);
      expect(text.json().error.code).toBe('unsupported_media_type');

      // Named .xlsx, zip magic bytes, but not a workbook.
      const corrupt = await upload(admin, '/api/import/sites', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]));
      expect(corrupt.statusCode).toBe(400);
      expect(corrupt.json().error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'file', reason: 'not a readable .xlsx workbook' }] } });

      const zip = await upload(admin, '/api/import/sites', ZIP_WITHOUT_WORKBOOK);
      expect(zip.statusCode).toBe(400);
      expect(zip.json().error.details.fields[0]).toEqual({ field: 'file', reason: 'not an .xlsx workbook: it has no sheets' });

      const huge = Buffer.concat([await sitesFile([good(1)]), Buffer.alloc(UPLOAD_LIMIT + 1024)]);
      const tooLarge = await upload(admin, '/api/import/sites', huge);
      expect(tooLarge.statusCode).toBe(413);
      expect(tooLarge.json().error.code).toBe('payload_too_large');

      expect(await count('sites')).toBe(before);
    });

    it("treats a committee outside the importer's scope as a row error", async () => {
      const before = await count('sites');
      const res = await upload(xxAdmin, '/api/import/sites', await sitesFile([good(1)]));
      expect(res.statusCode).toBe(422);
      expect(res.json().error.details.rows).toEqual([{ row: 2, column: '居委会', reason: 'no committee named "安顺居民区" in your scope' }]);
      expect(await count('sites')).toBe(before);
    });

    it('lets only administrators import', async () => {
      const file = await sitesFile([good(1)]);
      for (const cookie of [cadre01, operator]) {
        const res = await upload(cookie, '/api/import/sites', file);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
        expect((await upload(cookie, '/api/import/staff', file)).statusCode).toBe(403);
      }
      const anonymous = multipart(file);
      expect((await ctx.app.inject({ method: 'POST', url: '/api/import/sites', headers: anonymous.headers, payload: anonymous.payload })).statusCode).toBe(401);
    });

    it("exports only what the caller may see: a cadre gets their committee's sites", async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/export/sites.xlsx', headers: { cookie: cadre01 } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="sites-\d{4}-\d{2}-\d{2}\.xlsx"; filename\*=UTF-8''%E7%82%B9%E4%BD%8D%E5%8F%B0%E8%B4%A6-/);
      const rows = await sheetRows(res.rawPayload);
      expect(rows[0]).toEqual(SITE_HEADER);
      const total = (await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=1', headers: { cookie: cadre01 } })).json().total;
      expect(rows.length - 1).toBe(total);
      expect(total).toBeGreaterThan(0);
      expect(new Set(rows.slice(1).map((r) => r[3]))).toEqual(new Set(['安顺居民区']));

      const binRooms = await ctx.app.inject({ method: 'GET', url: '/api/export/sites.xlsx?kind=bin_room', headers: { cookie: xxAdmin } });
      const br = (await sheetRows(binRooms.rawPayload)).slice(1);
      expect(br.length).toBe(24);
      expect(br.every((r) => r[1] === '箱房' && r[8]?.startsWith('XX-BR-'))).toBe(true);

      expect((await ctx.app.inject({ method: 'GET', url: '/api/export/sites.xlsx?colour=red', headers: { cookie: admin } })).statusCode).toBe(400);
      const patrol = await signInAs(ctx.app, 'patrol1');
      expect((await ctx.app.inject({ method: 'GET', url: '/api/export/sites.xlsx', headers: { cookie: patrol } })).statusCode).toBe(403);
    });

    it('exports staff without passwords, only to those who may read staff', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/export/staff.xlsx', headers: { cookie: admin } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain("filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%8F%B0%E8%B4%A6-");
      const rows = await sheetRows(res.rawPayload);
      expect(rows[0]).toEqual(STAFF_HEADER);
      const cadre = rows.find((r) => r[0] === 'cadre01');
      expect(cadre).toMatchObject({ 3: '居委干部', 4: '虹桥街道', 5: '安顺居民区', 7: null });
      expect(rows.find((r) => r[0] === 'handler1')?.[6]).toBeTruthy();
      expect(rows.some((r) => r[0]?.startsWith('xx-'))).toBe(false);
      expect(rows.every((r) => r[7] === null || r === rows[0])).toBe(true);
      expect((await ctx.app.inject({ method: 'GET', url: '/api/export/staff.xlsx', headers: { cookie: cadre01 } })).statusCode).toBe(403);
      // Enforcement officers carry their 执法证号, which documents print.
      expect(rows.find((r) => r[0] === 'enforcer1')?.[8]).toMatch(/^\d{11}$/);
      expect(cadre?.[8] ?? null).toBeNull();
    });

    it('lets an administrator set an officer\'s 执法证号, and imports it from the ledger', async () => {
      const officer = (await ctx.app.inject({ method: 'GET', url: '/api/staff?q=enforcer2', headers: { cookie: admin } })).json().items[0];
      const bad = await ctx.app.inject({ method: 'PATCH', url: `/api/staff/${officer.id}`, headers: { cookie: admin }, payload: { certNumber: '沪 12' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('certNumber');
      const ok = await ctx.app.inject({ method: 'PATCH', url: `/api/staff/${officer.id}`, headers: { cookie: admin }, payload: { certNumber: '31010599999' } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().certNumber).toBe('31010599999');
      expect((await ctx.app.inject({ method: 'PATCH', url: `/api/staff/${officer.id}`, headers: { cookie: cadre01 }, payload: { certNumber: '31010500000' } })).statusCode).toBe(403);
      const file = await workbook([[...STAFF_HEADER], ['imp-enforcer', '导入执法队员', null, '城管执法队员', '虹桥街道', null, null, NEW_PASSWORD, '31010588888']]);
      expect((await upload(admin, '/api/import/staff', file)).json()).toEqual({ imported: 1, dryRun: false });
      const imported = (await ctx.app.inject({ method: 'GET', url: '/api/staff?q=imp-enforcer', headers: { cookie: admin } })).json().items[0];
      expect(imported.certNumber).toBe('31010588888');
    });

    it('imports staff who can then sign in with their scope', async () => {
      const unit = (await ctx.app.inject({ method: 'GET', url: '/api/handling-units?kind=property_company', headers: { cookie: admin } })).json().items[0].name;
      const file = await workbook([
        STAFF_HEADER,
        ['imp-cadre', '导入居委干部', '13900000009', '居委干部', null, '安顺居民区', null, NEW_PASSWORD],
        ['imp-handler', '导入物业人员', null, '处置单位人员', '虹桥街道', null, unit, NEW_PASSWORD],
        ['imp-patrol', '导入巡查员', null, 'patrol', '虹桥', null, null, NEW_PASSWORD],
      ]);
      const res = await upload(admin, '/api/import/staff', file);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ imported: 3, dryRun: false });
      // Each account created is in the audit log as one made on the staff page would be, with its role.
      const made = await ctx.handle.db.selectFrom('users').select(['id', 'username']).where('username', 'in', ['imp-cadre', 'imp-handler', 'imp-patrol']).execute();
      const audited = await ctx.handle.db.selectFrom('audit_log').select(['entity_id', 'actor_username', 'after_json']).where('action', '=', 'user.create').where('entity_id', 'in', made.map((u) => u.id)).execute();
      expect(audited.map((a) => a.entity_id).sort()).toEqual(made.map((u) => u.id).sort());
      expect(audited.every((a) => a.actor_username === 'admin')).toBe(true);
      expect(JSON.parse(audited.find((a) => a.entity_id === made.find((u) => u.username === 'imp-cadre')!.id)!.after_json!)).toMatchObject({ username: 'imp-cadre', role: 'cadre' });

      // Accounts an administrator imports choose their own password first (test/api/accounts.test.ts).
      const first = await signInAs(ctx.app, 'imp-cadre', NEW_PASSWORD);
      expect((await ctx.app.inject({ method: 'GET', url: '/api/sites', headers: { cookie: first } })).json().error.code).toBe('password_change_required');
      const changed = await ctx.app.inject({ method: 'POST', url: '/api/me/password', headers: { cookie: first }, payload: { currentPassword: NEW_PASSWORD, newPassword: 'Ju-Wei-Gan-Bu-2026' } });
      expect(changed.statusCode, changed.body).toBe(200);
      const cookie = `cl_session=${changed.cookies.find((c) => c.name === 'cl_session')!.value}`;
      const me = (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json();
      expect(me.user).toMatchObject({ role: 'cadre', displayName: '导入居委干部' });
      expect(me.user.scope).toHaveLength(1);
      const anshun = me.places.committees.find((c: { name: string }) => c.name === '安顺居民区');
      expect(me.user.scope[0].committeeId).toBe(anshun.id);
      const sites = (await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=500', headers: { cookie } })).json();
      expect(new Set(sites.items.map((s: { committeeId: string }) => s.committeeId))).toEqual(new Set([anshun.id]));
      const handler = (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: await signInAs(ctx.app, 'imp-handler', NEW_PASSWORD) } })).json();
      expect(handler.user.handlingUnitId).toBeTruthy();
    });

    it('reports bad staff rows and creates nobody', async () => {
      const before = { users: await count('users'), scopes: await count('user_scopes') };
      const file = await workbook([
        STAFF_HEADER,
        ['ok-person', '正常人员', null, '领导', null, null, null, NEW_PASSWORD], // 2: fine
        ['admin', '重名', null, '管理员', null, null, null, NEW_PASSWORD], // 3: taken
        ['ok-person', '重复', null, '领导', null, null, null, NEW_PASSWORD], // 4: same as row 2
        ['no-unit', '缺单位', null, '处置单位人员', null, null, null, NEW_PASSWORD], // 5
        ['bad-role', '角色错', null, '保安', null, null, null, NEW_PASSWORD], // 6
        ['short-pw', '密码短', null, '领导', null, null, null, 'abc'], // 7
        ['far-away', '越界', null, '居委干部', null, '威宁居民区', null, NEW_PASSWORD], // 8: a Xianxia committee
      ]);
      const res = await upload(admin, '/api/import/staff', file);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.details.rows).toEqual([
        { row: 3, column: '用户名', reason: 'already taken' },
        { row: 4, column: '用户名', reason: 'username ok-person is also on row 2' },
        { row: 5, column: '处置单位', reason: 'handling-unit staff need a unit' },
        { row: 6, column: '角色', reason: expect.stringContaining('unknown role "保安"') },
        { row: 7, column: '初始密码', reason: 'at least 12 characters' },
        { row: 8, column: '居委会', reason: 'no committee named "威宁居民区" in your scope' },
      ]);
      expect({ users: await count('users'), scopes: await count('user_scopes') }).toEqual(before);
    });
  });
}
