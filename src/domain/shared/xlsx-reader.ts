import path from 'node:path/posix';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';
import { DomainError, invalidField } from './errors.js';
import { limitExceeded, UPLOAD_LIMITS, ZIP_RATIO_FLOOR_BYTES } from './upload-limits.js';

/**
 * A streaming .xlsx reader that cannot be made to exhaust memory. The zip is read with yauzl from
 * the upload buffer (random access to the central directory, so the shared strings can be read
 * before a sheet whatever the part order); each part is inflated as a stream, counting the bytes
 * actually inflated against UPLOAD_LIMITS (declared sizes are checked first but never trusted),
 * and fed to a SAX parser (saxes) chunk by chunk. Rows come out one at a time; nothing holds a
 * whole sheet. exceljs's own streaming reader was not used: it cannot report the inflated bytes
 * of a part while reading, and it spools out-of-order parts to temporary files.
 *
 * Cell values are texts as the sheet stores them: shared and inline strings, numbers in their
 * shortest decimal form, formulas by their cached result. A formula without a cached result or a
 * cell holding an error becomes a CellProblem, reported with its row and column by the caller.
 */

export interface CellProblem {
  problem: string;
}
export type CellValue = string | null | CellProblem;

export interface SheetRow {
  /** 1-based row number as Excel shows it. */
  row: number;
  /** 0-based by column. */
  cells: CellValue[];
}

/** A range of merged cells (`<mergeCell ref="J2:J4"/>`): 1-based rows and columns, inclusive. */
export interface MergedRange {
  ref: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * Merged ranges one sheet may declare. Each is held until the rows are read (they follow the rows
 * in the sheet XML); a ledger merges a few cells per property company, never more than it has rows.
 */
export const MAX_MERGED_RANGES = 20_000;

export interface WorkbookReader {
  sheets: { name: string; part: string }[];
  /**
   * The sheet's rows, one at a time. With `merged`, the sheet's merged ranges are pushed into it as
   * the parse reaches them: `<mergeCells>` comes after the rows in the sheet XML, so the list is
   * complete once the last row has been read (Excel keeps a merged range's value in its top-left
   * cell only; the other cells read as empty).
   */
  rows(sheet: { name: string; part: string }, merged?: MergedRange[]): AsyncGenerator<SheetRow>;
  close(): void;
}

export const isProblem = (v: CellValue): v is CellProblem => v !== null && typeof v === 'object';

const unreadable = (why?: string) => invalidField('file', why ? `not a readable .xlsx workbook (${why})` : 'not a readable .xlsx workbook');
const noSheets = () => invalidField('file', 'not an .xlsx workbook: it has no sheets');

const normalizePart = (name: string) => path.normalize(name.replace(/\\/g, '/')).replace(/^\/+/, '');
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** A: 1, Z: 26, AA: 27 … */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}
export function columnLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function openZip(bytes: Buffer): Promise<{ zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry> }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, autoClose: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(unreadable());
      if (zip.entryCount > UPLOAD_LIMITS.zip_entries) {
        zip.close();
        return reject(limitExceeded('zip_entries', { entries: zip.entryCount }));
      }
      const entries = new Map<string, yauzl.Entry>();
      let declaredTotal = 0;
      const fail = (e: Error) => {
        zip.close();
        reject(e);
      };
      zip.on('error', () => fail(unreadable()));
      zip.on('entry', (entry: yauzl.Entry) => {
        const part = normalizePart(entry.fileName);
        // Declared sizes refuse an honest bomb at once; the inflating reader counts the real bytes.
        if (entry.uncompressedSize > UPLOAD_LIMITS.zip_part_uncompressed_bytes) {
          return fail(limitExceeded('zip_part_uncompressed_bytes', { part, declared: entry.uncompressedSize }));
        }
        declaredTotal += entry.uncompressedSize;
        if (declaredTotal > UPLOAD_LIMITS.zip_total_uncompressed_bytes) return fail(limitExceeded('zip_total_uncompressed_bytes', { part }));
        if (entry.uncompressedSize > ZIP_RATIO_FLOOR_BYTES && entry.uncompressedSize / Math.max(1, entry.compressedSize) > UPLOAD_LIMITS.zip_compression_ratio) {
          return fail(limitExceeded('zip_compression_ratio', { part }));
        }
        entries.set(part, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve({ zip, entries }));
      zip.readEntry();
    });
  });
}

/** Reads every part under one budget of inflated bytes. */
class PartReader {
  private inflatedTotal = 0;
  constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
  ) {}

  private open(entry: yauzl.Entry): Promise<Readable> {
    return new Promise((resolve, reject) => {
      if (entry.isEncrypted()) return reject(unreadable('encrypted'));
      this.zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(unreadable()) : resolve(stream)));
    });
  }

  async *chunks(part: string): AsyncGenerator<Buffer> {
    const entry = this.entries.get(part);
    if (!entry) return;
    const stream = await this.open(entry);
    let inflated = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        this.inflatedTotal += chunk.length;
        if (inflated > UPLOAD_LIMITS.zip_part_uncompressed_bytes) throw limitExceeded('zip_part_uncompressed_bytes', { part });
        if (this.inflatedTotal > UPLOAD_LIMITS.zip_total_uncompressed_bytes) throw limitExceeded('zip_total_uncompressed_bytes', { part });
        if (inflated > ZIP_RATIO_FLOOR_BYTES && inflated / Math.max(1, entry.compressedSize) > UPLOAD_LIMITS.zip_compression_ratio) {
          throw limitExceeded('zip_compression_ratio', { part });
        }
        yield chunk;
      }
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw unreadable(`part ${part} cannot be inflated`);
    } finally {
      stream.destroy();
    }
  }

  /**
   * SAX-parses a part, yielding what `setup`'s handlers emit as the parse goes. The generator's
   * consumer may stop early (return), which destroys the inflating stream.
   */
  async *parse<T>(part: string, setup: (parser: SaxesParser, emit: (item: T) => void) => void): AsyncGenerator<T> {
    const parser = new SaxesParser();
    const queue: T[] = [];
    setup(parser, (item) => queue.push(item));
    let xmlError: Error | null = null;
    parser.on('error', (e) => {
      xmlError ??= e;
    });
    const decoder = new StringDecoder('utf8');
    const feed = (text: string, end = false) => {
      parser.write(text);
      if (end) parser.close();
      if (xmlError) throw unreadable(`part ${part} is not well-formed XML`);
    };
    let run = 0;
    for await (const chunk of this.chunks(part)) {
      run = xmlRun(chunk, run, part);
      feed(decoder.write(chunk));
      while (queue.length) yield queue.shift() as T;
    }
    feed(decoder.end(), true);
    while (queue.length) yield queue.shift() as T;
  }

  async collect<T>(part: string, setup: (parser: SaxesParser, emit: (item: T) => void) => void): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.parse(part, setup)) out.push(item);
    return out;
  }
}

const LT = 0x3c;

/**
 * Bytes since the last '<' after this chunk, refusing a run longer than xml_node_bytes: it bounds
 * what the SAX parser buffers (a 60 MB text node or attribute would otherwise be held whole).
 */
function xmlRun(chunk: Buffer, run: number, part: string): number {
  const max = UPLOAD_LIMITS.xml_node_bytes;
  // Jump a window at a time: a gap longer than `max` exists iff some window of `max` bytes after
  // a '<' (or the carried-over run) holds no '<'.
  let from = 0;
  let carried = run;
  while (chunk.length - from + carried > max) {
    const limit = from + max - carried;
    const at = chunk.lastIndexOf(LT, limit);
    if (at < from) throw limitExceeded('xml_node_bytes', { part });
    from = at + 1;
    carried = 0;
  }
  const last = chunk.lastIndexOf(LT);
  return last >= from ? chunk.length - last - 1 : chunk.length - from + carried;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

const attr = (tag: SaxesTagPlain, name: string): string | undefined => {
  if (tag.attributes[name] !== undefined) return tag.attributes[name];
  const key = Object.keys(tag.attributes).find((k) => localName(k) === name);
  return key === undefined ? undefined : tag.attributes[key];
};

async function relationships(reader: PartReader, part: string): Promise<Relationship[]> {
  return reader.collect<Relationship>(part, (parser, emit) => {
    parser.on('opentag', (tag) => {
      if (localName(tag.name) !== 'Relationship') return;
      emit({ id: attr(tag, 'Id') ?? '', type: attr(tag, 'Type') ?? '', target: attr(tag, 'Target') ?? '' });
    });
  });
}

const resolveTarget = (fromPart: string, target: string) =>
  target.startsWith('/') ? normalizePart(target) : normalizePart(path.join(path.dirname(fromPart), target));

function relsPartOf(part: string) {
  return path.join(path.dirname(part), '_rels', `${path.basename(part)}.rels`);
}

function checkCellLength(text: string, where: Record<string, unknown>) {
  if (text.length > UPLOAD_LIMITS.cell_chars) throw limitExceeded('cell_chars', where);
}

async function readSharedStrings(reader: PartReader, part: string | undefined): Promise<string[]> {
  if (!part || !reader.entries.has(part)) return [];
  const strings: string[] = [];
  let current: string | null = null;
  let inText = false;
  let phonetic = 0;
  for await (const s of reader.parse<string>(part, (parser, emit) => {
    parser.on('opentag', (tag) => {
      const n = localName(tag.name);
      if (n === 'si') current = '';
      else if (n === 'rPh') phonetic++;
      else if (n === 't' && !tag.isSelfClosing) inText = true;
    });
    const onText = (t: string) => {
      if (current === null || !inText || phonetic) return;
      current += t;
      checkCellLength(current, { part: 'shared strings', index: strings.length });
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (tag) => {
      const n = localName(tag.name);
      if (n === 't') inText = false;
      else if (n === 'rPh') phonetic--;
      else if (n === 'si' && current !== null) {
        emit(current);
        current = null;
      }
    });
  })) {
    strings.push(s);
    if (strings.length > UPLOAD_LIMITS.shared_strings) throw limitExceeded('shared_strings', { count: strings.length });
  }
  return strings;
}

/** Opens a workbook: its sheets in workbook order, the shared strings read; rows are read on demand. */
export async function openWorkbook(bytes: Buffer): Promise<WorkbookReader> {
  const { zip, entries } = await openZip(bytes);
  const reader = new PartReader(zip, entries);
  try {
    const rootRels = entries.has('_rels/.rels') ? await relationships(reader, '_rels/.rels') : [];
    const officeDoc = rootRels.find((r) => r.type.endsWith('/officeDocument'));
    const workbookPart = officeDoc ? resolveTarget('', officeDoc.target) : 'xl/workbook.xml';
    if (!entries.has(workbookPart)) throw noSheets();
    const declared = await reader.collect<{ name: string; rid: string }>(workbookPart, (parser, emit) => {
      parser.on('opentag', (tag) => {
        if (localName(tag.name) === 'sheet') emit({ name: attr(tag, 'name') ?? '', rid: attr(tag, 'id') ?? '' });
      });
    });
    const rels = entries.has(relsPartOf(workbookPart)) ? await relationships(reader, relsPartOf(workbookPart)) : [];
    const sheets = declared
      .map((s) => {
        const rel = rels.find((r) => r.id === s.rid);
        return { name: s.name, part: rel ? resolveTarget(workbookPart, rel.target) : '' };
      })
      .filter((s) => entries.has(s.part));
    if (!sheets.length) throw noSheets();
    const sstRel = rels.find((r) => r.type.endsWith('/sharedStrings'));
    const strings = await readSharedStrings(reader, sstRel ? resolveTarget(workbookPart, sstRel.target) : 'xl/sharedStrings.xml');
    return { sheets, rows: (sheet, merged) => sheetRows(reader, sheet.part, strings, merged), close: () => zip.close() };
  } catch (err) {
    zip.close();
    throw err;
  }
}

function cellValue(type: string, raw: string | null, inline: string | null, hasFormula: boolean, strings: string[]): CellValue {
  let text: string | null;
  if (type === 'inlineStr') text = inline;
  else if (raw === null) {
    return hasFormula ? { problem: 'formula without a saved result; open the file in Excel, save it, or paste the values' } : null;
  } else if (type === 's') {
    const s = strings[Number(raw)];
    if (s === undefined) return { problem: 'refers to a shared string the file does not contain' };
    text = s;
  } else if (type === 'e') {
    return { problem: hasFormula ? `the formula's result is the error ${raw}` : `the cell holds the error ${raw}` };
  } else if (type === 'b') text = raw === '1' ? 'true' : 'false';
  else if (type === 'str' || type === 'd') text = raw;
  else {
    const n = Number(raw);
    text = raw.trim() !== '' && Number.isFinite(n) ? String(n) : raw;
  }
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

const RANGE = /^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$/;

/** "J2:J4" (or a single cell "J2") as a range; null when it cannot be read. */
export function parseRange(ref: string): MergedRange | null {
  const m = RANGE.exec(ref.trim());
  if (!m) return null;
  const [c1, r1] = [columnNumber(m[1]!), Number(m[2])];
  const [c2, r2] = m[3] ? [columnNumber(m[3]), Number(m[4])] : [c1, r1];
  const [top, bottom] = [Math.min(r1, r2), Math.max(r1, r2)];
  const [left, right] = [Math.min(c1, c2), Math.max(c1, c2)];
  if (top < 1) return null;
  return { ref: `${columnLetters(left)}${top}:${columnLetters(right)}${bottom}`, top, left, bottom, right };
}

function tooManyMergedRanges(): DomainError {
  return new DomainError('upload_limit_exceeded', `file: exceeds the limit merged_ranges (at most ${MAX_MERGED_RANGES})`, {
    field: 'file', limit: 'merged_ranges', max: MAX_MERGED_RANGES,
  });
}

async function* sheetRows(reader: PartReader, part: string, strings: string[], merged?: MergedRange[]): AsyncGenerator<SheetRow> {
  let rowNumber = 0;
  let cells: CellValue[] = [];
  let col = 0;
  let type = 'n';
  let hasFormula = false;
  let raw: string | null = null;
  let inline: string | null = null;
  let inValue = false;
  let inInline = false;
  let inInlineText = false;
  let phonetic = 0;
  const where = () => ({ row: rowNumber, column: columnLetters(col) });
  yield* reader.parse<SheetRow>(part, (parser, emit) => {
    parser.on('opentag', (tag) => {
      switch (localName(tag.name)) {
        case 'row': {
          const r = Number(attr(tag, 'r'));
          rowNumber = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
          cells = [];
          col = 0;
          break;
        }
        case 'c': {
          const ref = /^([A-Za-z]{1,3})\d*$/.exec(attr(tag, 'r') ?? '');
          col = ref ? columnNumber(ref[1]!) : col + 1;
          type = attr(tag, 't') ?? 'n';
          hasFormula = false;
          raw = null;
          inline = null;
          break;
        }
        case 'f':
          hasFormula = true;
          break;
        case 'v':
          inValue = !tag.isSelfClosing;
          raw = '';
          break;
        case 'is':
          inInline = true;
          inline = '';
          break;
        case 'rPh':
          phonetic++;
          break;
        case 't':
          inInlineText = inInline && !tag.isSelfClosing;
          break;
        case 'mergeCell': {
          if (!merged) break;
          const range = parseRange(attr(tag, 'ref') ?? '');
          if (!range || (range.top === range.bottom && range.left === range.right)) break;
          if (merged.length >= MAX_MERGED_RANGES) throw tooManyMergedRanges();
          merged.push(range);
          break;
        }
      }
    });
    const onText = (t: string) => {
      if (inValue) {
        raw = (raw ?? '') + t;
        checkCellLength(raw, where());
      } else if (inInlineText && !phonetic) {
        inline = (inline ?? '') + t;
        checkCellLength(inline, where());
      }
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (tag) => {
      switch (localName(tag.name)) {
        case 'v':
          inValue = false;
          break;
        case 't':
          inInlineText = false;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'is':
          inInline = false;
          break;
        case 'c': {
          const value = cellValue(type, raw, inline, hasFormula, strings);
          if (value === null) break;
          if (col > UPLOAD_LIMITS.sheet_columns) throw limitExceeded('sheet_columns', where());
          cells[col - 1] = value;
          break;
        }
        case 'row':
          // saxes reports a self-closing <row/> as an open and a close tag. Rows without a value are
          // not passed on: they count for nothing, and a sheet of millions of them costs no more.
          if (!cells.length) break;
          for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
          emit({ row: rowNumber, cells });
          break;
      }
    });
  });
}
