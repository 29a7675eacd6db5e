import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS } from '../../src/domain/shared/upload-limits.js';
import { MAX_MERGED_RANGES } from '../../src/domain/shared/xlsx-reader.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { rowXml, SITE_HEADER_ROW, workbookParts, writeBigLedger, writeRawSheet, writeZip, writeZipBomb } from '../helpers/hostile-xlsx.js';
import { multipart as imagePart } from '../helpers/images.js';
import { multipart } from '../helpers/xlsx.js';

/**
 * Files built to hurt the process (generated here, streamed to a temp folder): each gets a clear
 * 4xx naming the limit or the cell, and the server keeps answering.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-hostile-'));
const file = (name: string) => path.join(dir, name);
const SHOP = (r: number) => rowXml(r, [`公式测试商铺${r}`, '沿街商铺', `安顺路${r}号`, '安顺居民区', null, 121.4215, 31.2001]);

/** A PNG whose header claims width × height (the pixels are never there). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}

beforeAll(async () => {
  await writeZipBomb(file('bomb.xlsx'), 1024, true);
  await writeZipBomb(file('bomb-lying.xlsx'), 1024, false);
  await writeBigLedger(file('ledger-380k.xlsx'), 380_000);
  await writeBigLedger(file('ledger-20001.xlsx'), UPLOAD_LIMITS.sheet_rows + 1);
  await writeRawSheet(file('formula-uncached.xlsx'), [SHOP(2), `<row r="3"><c r="A3" t="inlineStr"><is><t>公式店</t></is></c><c r="B3"><f>B2</f></c></row>`]);
  await writeRawSheet(file('formula-cached.xlsx'), [
    `<row r="2"><c r="A2" t="str"><f>"公式"&amp;"商铺"</f><v>公式商铺</v></c><c r="B2" t="inlineStr"><is><t>沿街商铺</t></is></c>` +
      `<c r="C2" t="inlineStr"><is><t>安顺路9号</t></is></c><c r="D2" t="inlineStr"><is><t>安顺居民区</t></is></c>` +
      `<c r="F2"><f>121.4+0.0215</f><v>121.4215</v></c><c r="G2"><v>31.2001</v></c></row>`,
  ]);
  await writeRawSheet(file('formula-error.xlsx'), [SHOP(2), `<row r="3"><c r="A3" t="e"><f>#REF!+1</f><v>#REF!</v></c></row>`]);
  await writeRawSheet(file('long-cell.xlsx'), [rowXml(2, ['长'.repeat(UPLOAD_LIMITS.cell_chars + 1)])]);
  await writeRawSheet(file('wide.xlsx'), [`<row r="2"><c r="A2"><v>1</v></c><c r="JA2"><v>2</v></c></row>`]);
  // Merged ranges follow the rows and are held until the rows are read: one past their cap.
  const merges = Array.from({ length: MAX_MERGED_RANGES + 1 }, (_, i) => `<mergeCell ref="N${i + 2}:O${i + 2}"/>`).join('');
  await writeZip(file('merges.xlsx'), workbookParts([
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml(1, SITE_HEADER_ROW)}${SHOP(2)}</sheetData>` +
      `<mergeCells count="${MAX_MERGED_RANGES + 1}">${merges}</mergeCells></worksheet>`,
  ]));
  // The committee (required) is written on row 2 only and merged down.
  const shopOf = (r: number, committee: string | null) => rowXml(r, [`合并测试商铺${r}`, '沿街商铺', `安顺路${r}号`, committee, null, 121.4215, 31.2001]);
  const mergedSheet = (ranges: string[]) =>
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml(1, SITE_HEADER_ROW)}${shopOf(2, '安顺居民区')}${shopOf(3, null)}${shopOf(4, null)}</sheetData>` +
    `<mergeCells count="${ranges.length}">${ranges.map((r) => `<mergeCell ref="${r}"/>`).join('')}</mergeCells></worksheet>`;
  await writeZip(file('merge-to-the-last-row.xlsx'), workbookParts([mergedSheet(['D2:D1048576'])]));
  await writeZip(file('merges-overlap.xlsx'), workbookParts([mergedSheet(['D2:D3', 'D3:D4'])]));
  const strings = Array.from({ length: UPLOAD_LIMITS.shared_strings + 1 }, (_, i) => String(i));
  await writeZip(file('strings.xlsx'), workbookParts([`<worksheet><sheetData>${rowXml(1, SITE_HEADER_ROW)}</sheetData></worksheet>`], strings));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const dialect of DIALECTS) {
  describe(`uploads that cannot hurt the process [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let patrol: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect, { PHOTO_DIR: path.join(dir, `photos-${dialect}`) });
      admin = await signInAs(ctx.app, 'admin');
      patrol = await signInAs(ctx.app, 'patrol1');
    });
    afterAll(async () => ctx.close());

    const importSites = (name: string) => {
      const body = multipart(fs.readFileSync(file(name)));
      return ctx.app.inject({ method: 'POST', url: '/api/import/sites?dryRun=true', headers: { cookie: admin, ...body.headers }, payload: body.payload });
    };
    const stillAnswers = async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: admin } });
      expect(res.statusCode).toBe(200);
    };
    const expectLimit = (res: { statusCode: number; json(): { error: { code: string; details: Record<string, unknown> } } }, limit: string) => {
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'upload_limit_exceeded', details: { field: 'file', limit, max: UPLOAD_LIMITS[limit as keyof typeof UPLOAD_LIMITS] } });
    };

    it('refuses a 4.5 MB zip bomb (a 1 GB sheet) by its declared size, and by counting when the sizes lie', async () => {
      expect(fs.statSync(file('bomb.xlsx')).size).toBeLessThan(5 * 1024 * 1024);
      const honest = await importSites('bomb.xlsx');
      expectLimit(honest, 'zip_part_uncompressed_bytes');
      expect(honest.json().error.details).toMatchObject({ part: 'xl/worksheets/sheet1.xml', declared: expect.any(Number) });
      // The headers claim 4 KB: only the bytes actually inflated reveal the bomb.
      const lying = await importSites('bomb-lying.xlsx');
      expectLimit(lying, 'zip_part_uncompressed_bytes');
      expect(lying.json().error.details.declared).toBeUndefined();
      await stillAnswers();
    });

    it('refuses a plain 380,000-row ledger under the upload size limit, and counts rows while reading', async () => {
      const size = fs.statSync(file('ledger-380k.xlsx')).size;
      expect(size).toBeGreaterThan(7 * 1024 * 1024);
      expect(size).toBeLessThan(ctx.deps.config.uploadMaxBytes);
      const big = await importSites('ledger-380k.xlsx');
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe('upload_limit_exceeded');
      // Small enough to inflate, one row too many: refused at that row.
      const over = await importSites('ledger-20001.xlsx');
      expectLimit(over, 'sheet_rows');
      expect(over.json().error.details.row).toBe(UPLOAD_LIMITS.sheet_rows + 2);
      await stillAnswers();
    });

    it('uses a formula cell’s saved result, and refuses one without a result or with an error by row, column and reason', async () => {
      const cached = await importSites('formula-cached.xlsx');
      expect(cached.statusCode).toBe(200);
      expect(cached.json()).toEqual({ imported: 1, dryRun: true });

      const uncached = await importSites('formula-uncached.xlsx');
      expect(uncached.statusCode).toBe(422);
      expect(uncached.json().error).toMatchObject({ code: 'import_failed', details: { rows: [{ row: 3, column: '类型', reason: expect.stringMatching(/^B3: formula without a saved result/) }] } });

      const error = await importSites('formula-error.xlsx');
      expect(error.statusCode).toBe(422);
      expect(error.json().error.details.rows).toEqual([{ row: 3, column: '名称', reason: "A3: the formula's result is the error #REF!" }]);
      await stillAnswers();
    });

    it('names the cell-length, column and shared-string limits', async () => {
      expectLimit(await importSites('long-cell.xlsx'), 'cell_chars');
      const wide = await importSites('wide.xlsx');
      expectLimit(wide, 'sheet_columns');
      expect(wide.json().error.details).toMatchObject({ row: 2, column: 'JA' });
      expectLimit(await importSites('strings.xlsx'), 'shared_strings');
      const merges = await importSites('merges.xlsx');
      expect(merges.statusCode).toBe(413);
      expect(merges.json().error).toMatchObject({ code: 'upload_limit_exceeded', details: { field: 'file', limit: 'merged_ranges', max: MAX_MERGED_RANGES } });
      await stillAnswers();
    });

    it('fills a value merged down to the sheet\'s last row over the rows the sheet has, and refuses overlapping merged ranges', async () => {
      const tall = await importSites('merge-to-the-last-row.xlsx');
      expect(tall.statusCode, tall.body).toBe(200);
      expect(tall.json()).toEqual({ imported: 3, dryRun: true });
      const overlap = await importSites('merges-overlap.xlsx');
      expect(overlap.statusCode).toBe(422);
      expect(overlap.json().error.details.rows).toEqual([
        { row: 3, column: '居委会', reason: 'merged cells D3:D4 overlap D2:D3; unmerge them and fill in each cell' },
      ]);
      await stillAnswers();
    });

    it('refuses images past the dimension, pixel and frame limits before decoding them, by content not name', async () => {
      const upload = (bytes: Buffer, filename = 'photo.jpg') => {
        const body = imagePart(bytes, filename);
        return ctx.app.inject({ method: 'POST', url: '/api/photos', headers: { cookie: patrol, ...body.headers }, payload: body.payload });
      };
      const tall = await upload(await pngClaiming(UPLOAD_LIMITS.image_dimension + 1, 1));
      expectLimit(tall, 'image_dimension');
      const huge = await upload(await pngClaiming(8000, 8000));
      expectLimit(huge, 'image_pixels');
      expect(huge.json().error.details).toMatchObject({ width: 8000, height: 8000 });

      const frame = (background: string) => sharp({ create: { width: 32, height: 32, channels: 3, background } }).png().toBuffer();
      const animated = await sharp([await frame('#f00'), await frame('#00f')], { join: { animated: true } }).webp().toBuffer();
      expectLimit(await upload(animated), 'image_frames');

      // A spreadsheet named photo.jpg is refused by what it is.
      const disguised = await upload(fs.readFileSync(file('formula-cached.xlsx')));
      expect(disguised.statusCode).toBe(415);
      expect(disguised.json().error.code).toBe('unsupported_media_type');

      const ok = await upload(await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a7' } }).jpeg().toBuffer());
      expect(ok.statusCode).toBe(201);
    });
  });
}
