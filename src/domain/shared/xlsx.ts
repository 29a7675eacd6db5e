import type ExcelJS from 'exceljs';
import { loadExcel } from './lazy-modules.js';
import { DomainError, invalidField } from './errors.js';

/**
 * Reading and writing the .xlsx ledgers offices keep. Knows nothing about sites or staff:
 * a ledger is a header row of known columns (Chinese or English names) and data rows below it.
 */

/** A column of a ledger: the Chinese header we write, plus every header we accept. */
export interface LedgerColumn<K extends string = string> {
  key: K;
  header: string;
  aliases: readonly string[];
  width?: number;
}

/** One problem with one cell (or a whole row, or the file), as shown to the person importing. */
export interface RowError {
  /** 1-based row number in the sheet, as Excel shows it. */
  row: number;
  /** The header as written in the file (our Chinese header when the column is absent). */
  column: string;
  reason: string;
}

export interface LedgerRow<K extends string> {
  row: number;
  /** Trimmed text of the cell, or null when empty. Numbers come back as their shortest decimal text. */
  get(key: K): string | null;
}

export interface Ledger<K extends string> {
  rows: LedgerRow<K>[];
  /** The header text used in the file for a column, for error reports. */
  headerOf(key: K): string;
}

/** Reported errors are capped so one broken 20,000-row file does not produce a huge answer. */
export const MAX_REPORTED_ERRORS = 1000;
/** Larger files belong to a bulk migration, not to a ledger upload. */
export const MAX_LEDGER_ROWS = 20_000;
/** How far down we look for the header row (ledgers often start with a title row or two). */
const HEADER_SEARCH_ROWS = 10;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** .xlsx files are zip archives: `PK\x03\x04`. */
export function looksLikeXlsx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/** Throws import_failed with row errors; the API answers 422 and nothing is written. */
export function importFailed(errors: RowError[], message = 'The file has errors; nothing was imported'): DomainError {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return new DomainError('import_failed', `${message} (${errors.length} problem${errors.length === 1 ? '' : 's'})`, {
    rows: sorted.slice(0, MAX_REPORTED_ERRORS),
    errorCount: errors.length,
    truncated: errors.length > MAX_REPORTED_ERRORS,
  });
}

const normalizeHeader = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[\s*＊:：_-]/g, '')
    .toLowerCase();

/** Text of any exceljs cell value: rich text, formulas (their result), hyperlinks, numbers. */
export function cellText(value: ExcelJS.CellValue): string | null {
  if (value === null || value === undefined) return null;
  let v: unknown = value;
  if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) v = (o.richText as { text: string }[]).map((t) => t.text).join('');
    else if ('result' in o) v = o.result;
    else if ('text' in o) v = o.text;
    else if ('error' in o) v = null;
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) return cellText(v as ExcelJS.CellValue);
  }
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const s = String(v).trim();
  return s === '' ? null : s;
}

async function loadWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  if (!looksLikeXlsx(bytes)) throw new DomainError('unsupported_media_type', 'Expected an .xlsx workbook');
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw invalidField('file', 'not a readable .xlsx workbook');
  }
  return wb;
}

function matchHeaders<K extends string>(values: (string | null)[], columns: readonly LedgerColumn<K>[]) {
  const found = new Map<K, { index: number; text: string }>();
  values.forEach((text, index) => {
    if (!text) return;
    const n = normalizeHeader(text);
    const col = columns.find((c) => [c.header, c.key, ...c.aliases].some((a) => normalizeHeader(a) === n));
    if (col && !found.has(col.key)) found.set(col.key, { index, text });
  });
  return found;
}

/**
 * Reads the first sheet that has the ledger's header row. Missing required columns or a sheet
 * without data rows fail the import naming the column.
 */
export async function readLedger<K extends string>(
  bytes: Uint8Array,
  columns: readonly LedgerColumn<K>[],
  required: readonly K[],
): Promise<Ledger<K>> {
  const wb = await loadWorkbook(bytes);
  // A zip that is not a workbook (a .docx, an archive) loads as a workbook without sheets.
  if (!wb.worksheets.length) throw invalidField('file', 'not an .xlsx workbook: it has no sheets');
  let best: { sheet: ExcelJS.Worksheet; headerRow: number; found: Map<K, { index: number; text: string }> } | null = null;
  for (const sheet of wb.worksheets) {
    const last = Math.min(sheet.rowCount, HEADER_SEARCH_ROWS);
    for (let r = 1; r <= last; r++) {
      const values = rowValues(sheet.getRow(r));
      const found = matchHeaders(values, columns);
      if (!best || found.size > best.found.size) best = { sheet, headerRow: r, found };
      if (required.every((k) => found.has(k))) break;
    }
    if (best && required.every((k) => best!.found.has(k))) break;
  }
  const headerRow = best?.headerRow ?? 1;
  const found = best?.found ?? new Map<K, { index: number; text: string }>();
  const headerOf = (key: K) => found.get(key)?.text ?? columns.find((c) => c.key === key)?.header ?? key;
  const missing = required.filter((k) => !found.has(k));
  if (missing.length) {
    throw importFailed(
      missing.map((k) => ({ row: headerRow, column: headerOf(k), reason: 'required column is missing' })),
      `Missing column ${missing.map(headerOf).join(', ')}`,
    );
  }
  const sheet = best!.sheet;
  const rows: LedgerRow<K>[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber <= headerRow) return;
    const values = rowValues(row);
    if (values.every((v) => v === null)) return;
    rows.push({ row: rowNumber, get: (key: K) => values[found.get(key)?.index ?? -1] ?? null });
  });
  if (!rows.length) {
    const first = required[0] ?? columns[0]!.key;
    throw importFailed([{ row: headerRow + 1, column: headerOf(first), reason: 'the sheet has no data rows' }], 'The sheet has no data rows');
  }
  if (rows.length > MAX_LEDGER_ROWS) {
    throw importFailed(
      [{ row: rows[MAX_LEDGER_ROWS]!.row, column: headerOf(required[0]!), reason: `more than ${MAX_LEDGER_ROWS} rows; split the file` }],
      'The file has too many rows',
    );
  }
  return { rows, headerOf };
}

/** 0-based cell texts of a row (exceljs numbers cells from 1). */
function rowValues(row: ExcelJS.Row): (string | null)[] {
  const out: (string | null)[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    out[col - 1] = cellText(cell.value);
  });
  for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = null;
  return out;
}

/** Writes one sheet: a bold, frozen header row and the rows below. Text stays text (grid codes, phones). */
export async function writeLedger<K extends string>(
  sheetName: string,
  columns: readonly LedgerColumn<K>[],
  rows: Iterable<Partial<Record<K, string | number | null>>>,
): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'closeloop';
  const sheet = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14 }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow(columns.map((c) => r[c.key] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
