import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Hostile and oversized .xlsx files, written to disk as streams (never kept in the repository,
 * never held whole in memory): a minimal zip writer, and the workbooks the upload limits exist for.
 */

type Chunks = Iterable<Buffer | string>;

interface PartSpec {
  name: string;
  /** Already raw-deflated chunks (each flushed with Z_FULL_FLUSH), with the inflated CRC and size. */
  deflated?: { chunks: Iterable<Buffer>; crc: number; size: number };
  /** Plain content, deflated here as it streams. */
  content?: Chunks;
  /** Lie in the headers: claim this many inflated bytes. */
  declareSize?: number;
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

function header(sig: number, name: Buffer, crc: number, csize: number, usize: number, offset?: number): Buffer {
  const common = [u16(20), u16(0), u16(8), u16(0), u16(0x21), u32(crc), u32(csize), u32(usize), u16(name.length), u16(0)];
  if (offset === undefined) return Buffer.concat([u32(sig), ...common, name]);
  return Buffer.concat([u32(sig), u16(20), ...common, u16(0), u16(0), u16(0), u32(0), u32(offset), name]);
}

/** Writes a zip of deflated parts to `file`, streaming each part; returns the file's size. */
export async function writeZip(file: string, parts: PartSpec[]): Promise<number> {
  const fd = fs.openSync(file, 'w');
  let pos = 0;
  const write = (b: Buffer) => {
    fs.writeSync(fd, b, 0, b.length, pos);
    pos += b.length;
  };
  const central: Buffer[] = [];
  try {
    for (const p of parts) {
      const name = Buffer.from(p.name);
      const offset = pos;
      write(header(0x04034b50, name, 0, 0, 0));
      let crc = 0;
      let usize = 0;
      const start = pos;
      if (p.deflated) {
        for (const c of p.deflated.chunks) write(c);
        write(Buffer.from([0x03, 0x00])); // a final empty fixed-Huffman block ends the stream
        crc = p.deflated.crc;
        usize = p.deflated.size;
      } else {
        const deflate = zlib.createDeflateRaw({ level: 1 });
        deflate.on('data', (c: Buffer) => write(c));
        const done = new Promise((resolve) => deflate.on('end', resolve));
        for (const c of p.content ?? []) {
          const b = typeof c === 'string' ? Buffer.from(c) : c;
          crc = zlib.crc32(b, crc);
          usize += b.length;
          if (!deflate.write(b)) await new Promise((resolve) => deflate.once('drain', resolve));
        }
        deflate.end();
        await done;
      }
      const csize = pos - start;
      const declared = p.declareSize ?? usize;
      const local = header(0x04034b50, name, crc, csize, declared);
      fs.writeSync(fd, local, 0, local.length, offset);
      central.push(header(0x02014b50, name, crc, csize, declared, offset));
    }
    const cdStart = pos;
    for (const c of central) write(c);
    write(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(parts.length), u16(parts.length), u32(pos - cdStart), u32(cdStart), u16(0)]));
  } finally {
    fs.closeSync(fd);
  }
  return pos;
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const WORKBOOK =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>';
const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const col = (i: number) => String.fromCharCode(65 + i);

/** One row of inline-string cells (what a ledger exported by many tools looks like). */
export function rowXml(r: number, cells: (string | number | null)[]): string {
  const cs = cells
    .map((v, i) => {
      if (v === null) return '';
      if (typeof v === 'number') return `<c r="${col(i)}${r}"><v>${v}</v></c>`;
      return `<c r="${col(i)}${r}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`;
    })
    .join('');
  return `<row r="${r}">${cs}</row>`;
}

/** A one-sheet workbook whose sheet XML streams from `sheet`. */
export function workbookParts(sheet: Chunks, sharedStrings: string[] = []): PartSpec[] {
  const sst = sharedStrings.map((t) => `<si><t>${xmlEscape(t)}</t></si>`).join('');
  return [
    { name: '[Content_Types].xml', content: [CONTENT_TYPES] },
    { name: '_rels/.rels', content: [ROOT_RELS] },
    { name: 'xl/workbook.xml', content: [WORKBOOK] },
    { name: 'xl/_rels/workbook.xml.rels', content: [WORKBOOK_RELS] },
    { name: 'xl/sharedStrings.xml', content: [`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${sst}</sst>`] },
    { name: 'xl/worksheets/sheet1.xml', content: sheet },
  ];
}

export const SITE_HEADER_ROW = ['名称', '类型', '地址', '居委会', '网格编码', '经度', '纬度', '投放时段', '二维码', '责任人名称', '责任人类型', '联系人', '联系电话'];

/**
 * A plain site ledger of `rows` data rows, every one valid-looking and distinct; 380,000 rows make
 * a file of about 9 MB, under the 10 MB upload limit.
 */
export async function writeBigLedger(file: string, rows: number): Promise<number> {
  // As Excel writes it: repeated texts in the shared-string table, row and cell references left out.
  function* sheet() {
    yield SHEET_HEAD + rowXml(1, SITE_HEADER_ROW);
    let batch = '';
    for (let i = 1; i <= rows; i++) {
      const lng = (121.42 + (i % 1000) / 1e4).toFixed(4);
      const lat = (31.2 + (i % 997) / 1e4).toFixed(4);
      batch +=
        `<row><c t="inlineStr"><is><t>商铺${i}</t></is></c><c t="s"><v>0</v></c><c t="inlineStr"><is><t>安顺路${i}号</t></is></c>` +
        `<c t="s"><v>1</v></c><c/><c><v>${lng}</v></c><c><v>${lat}</v></c><c/><c/><c/><c/>` +
        `<c/><c><v>139${String((i * 104_729) % 1e8).padStart(8, '0')}</v></c></row>`;
      if (i % 2000 === 0) {
        yield batch;
        batch = '';
      }
    }
    yield batch + SHEET_TAIL;
  }
  return writeZip(file, workbookParts(sheet(), ['沿街商铺', '安顺']));
}

/**
 * A zip bomb: a sheet of `inflatedMiB` MiB (empty rows with a little incompressible filler so the
 * archive is a few MB, like the reported 4.5 MB one), made of one Z_FULL_FLUSH-deflated MiB repeated —
 * a valid deflate stream built in a second. `honest` declares the true size; otherwise the headers
 * claim a small sheet, and only counting the inflated bytes can catch it.
 */
export function writeZipBomb(file: string, inflatedMiB: number, honest: boolean): Promise<number> {
  const MIB = 1024 * 1024;
  const filler = `<!--${randomBytes(2600).toString('base64')}-->`;
  const unit = '<row/>';
  const body = Buffer.from((filler + unit.repeat(Math.floor((MIB - filler.length) / unit.length))).padEnd(MIB, ' '));
  const block = zlib.deflateRawSync(body, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const head = Buffer.from(SHEET_HEAD + rowXml(1, SITE_HEADER_ROW));
  const tail = Buffer.from(SHEET_TAIL);
  const headDeflated = zlib.deflateRawSync(head, { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const tailDeflated = zlib.deflateRawSync(tail, { finishFlush: zlib.constants.Z_FULL_FLUSH });
  let crc = zlib.crc32(head);
  for (let i = 0; i < inflatedMiB; i++) crc = zlib.crc32(body, crc);
  crc = zlib.crc32(tail, crc);
  const size = head.length + inflatedMiB * MIB + tail.length;
  function* chunks() {
    yield headDeflated;
    for (let i = 0; i < inflatedMiB; i++) yield block;
    yield tailDeflated;
  }
  const parts = workbookParts([]);
  parts[5] = { name: 'xl/worksheets/sheet1.xml', deflated: { chunks: chunks(), crc, size }, declareSize: honest ? undefined : 4096 };
  return writeZip(file, parts);
}

/** A small ledger whose given cells hold raw cell XML (formulas, errors), for the formula rules. */
export function writeRawSheet(file: string, rowsXml: string[]): Promise<number> {
  return writeZip(file, workbookParts([SHEET_HEAD + rowXml(1, SITE_HEADER_ROW) + rowsXml.join('') + SHEET_TAIL]));
}
