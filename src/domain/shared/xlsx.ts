import { loadExcel } from './lazy-modules.js';
import { DomainError } from './errors.js';
import { limitExceeded, UPLOAD_LIMITS } from './upload-limits.js';
import { columnLetters, isProblem, type MergedRange, openWorkbook } from './xlsx-reader.js';

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
export const MAX_LEDGER_ROWS = UPLOAD_LIMITS.sheet_rows;
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
 * Reads the first sheet that has the ledger's header row, streaming (see xlsx-reader.ts): limits
 * are checked while reading, so an oversized or hostile file is refused before it costs memory.
 * Missing required columns or a sheet without data rows fail the import naming the column; a
 * formula without a saved result or an error cell in a ledger column fails it naming the cell.
 * A value merged down a column fills each row of its range (fillMergedDown).
 */
export async function readLedger<K extends string>(
  bytes: Uint8Array,
  columns: readonly LedgerColumn<K>[],
  required: readonly K[],
  opts: { allowEmpty?: boolean } = {},
): Promise<Ledger<K>> {
  if (!looksLikeXlsx(bytes)) throw new DomainError('unsupported_media_type', 'Expected an .xlsx workbook');
  const wb = await openWorkbook(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  try {
    let best: { headerRow: number; found: Map<K, { index: number; text: string }> } | null = null;
    for (const sheet of wb.sheets) {
      let header: { row: number; found: Map<K, { index: number; text: string }> } | null = null;
      const data: { row: number; values: (string | null)[] }[] = [];
      const problems: RowError[] = [];
      const merged: MergedRange[] = [];
      for await (const { row, cells } of wb.rows(sheet, merged)) {
        if (!header) {
          if (row > HEADER_SEARCH_ROWS) break;
          const found = matchHeaders(cells.map((c) => (isProblem(c) ? null : c)), columns);
          if (!best || found.size > best.found.size) best = { headerRow: row, found };
          if (required.every((k) => found.has(k))) header = { row, found };
          continue;
        }
        const values: (string | null)[] = [];
        for (const { index, text } of header.found.values()) {
          const cell = cells[index] ?? null;
          if (isProblem(cell)) problems.push({ row, column: text, reason: `${columnLetters(index + 1)}${row}: ${cell.problem}` });
          else values[index] = cell;
        }
        if (!cells.some((c) => c !== null)) continue;
        if (data.length >= UPLOAD_LIMITS.sheet_rows) throw limitExceeded('sheet_rows', { row });
        data.push({ row, values });
      }
      if (!header) continue;
      const found = header.found;
      const headerOf = (key: K) => found.get(key)?.text ?? columns.find((c) => c.key === key)?.header ?? key;
      problems.push(...fillMergedDown(data, merged, header.row, [...found.values()]));
      const rows = data.map(({ row, values }): LedgerRow<K> => ({ row, get: (key: K) => values[found.get(key)?.index ?? -1] ?? null }));
      if (problems.length) throw importFailed(problems, 'The file has cells that cannot be read; nothing was imported');
      if (!rows.length && !opts.allowEmpty) {
        const first = required[0] ?? columns[0]!.key;
        throw importFailed([{ row: header.row + 1, column: headerOf(first), reason: 'the sheet has no data rows' }], 'The sheet has no data rows');
      }
      return { rows, headerOf };
    }
    const headerRow = best?.headerRow ?? 1;
    const found = best?.found ?? new Map<K, { index: number; text: string }>();
    const headerOf = (key: K) => found.get(key)?.text ?? columns.find((c) => c.key === key)?.header ?? key;
    const missing = required.filter((k) => !found.has(k));
    throw importFailed(
      missing.map((k) => ({ row: headerRow, column: headerOf(k), reason: 'required column is missing' })),
      `Missing column ${missing.map(headerOf).join(', ')}`,
    );
  } finally {
    wb.close();
  }
}

/**
 * Merged cells in the data rows. Offices merge a value down a column over the rows it applies to
 * (one property company's 管理责任人, 联系人 and 电话 over its bin rooms); Excel keeps the value in
 * the top cell only, so each row of such a range gets the top cell's value, as the sheet shows it.
 * A range across several ledger columns, or joining the header to the rows below, has no one
 * reading: it is refused naming the range, to be unmerged and filled in. Ranges above the data
 * (a title row) or outside the ledger's columns are left alone.
 */
function fillMergedDown(
  data: { row: number; values: (string | null)[] }[],
  merged: readonly MergedRange[],
  headerRow: number,
  ledgerColumns: readonly { index: number; text: string }[],
): RowError[] {
  if (!merged.length) return [];
  const errors: RowError[] = [];
  // Data rows come in sheet order; a range's rows are found by binary search and only the rows
  // the sheet has are visited, so a range down to row 1,048,576 costs no more than the data.
  const firstAtOrAfter = (row: number) => {
    let lo = 0;
    let hi = data.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (data[mid]!.row < row) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const fills: (MergedRange & { index: number; column: string })[] = [];
  for (const m of merged) {
    if (m.bottom <= headerRow) continue;
    const cols = ledgerColumns.filter((c) => c.index + 1 >= m.left && c.index + 1 <= m.right).sort((a, b) => a.index - b.index);
    if (!cols.length) continue;
    const row = Math.max(m.top, headerRow + 1);
    const column = cols[0]!.text;
    if (m.left !== m.right) {
      errors.push({ row, column, reason: `merged cells ${m.ref} span several columns; unmerge them and fill in each cell` });
    } else if (m.top <= headerRow) {
      errors.push({ row, column, reason: `merged cells ${m.ref} join the header to the rows below; unmerge them and fill in each cell` });
    } else {
      fills.push({ ...m, index: cols[0]!.index, column });
    }
  }
  // Excel never overlaps merged ranges; a file that does has no one reading either (and each
  // cell is then filled at most once: the work stays within rows × columns).
  fills.sort((a, b) => a.index - b.index || a.top - b.top);
  for (let i = 0; i < fills.length; i++) {
    const m = fills[i]!;
    const prev = fills[i - 1];
    if (prev && prev.index === m.index && m.top <= prev.bottom) {
      errors.push({ row: m.top, column: m.column, reason: `merged cells ${m.ref} overlap ${prev.ref}; unmerge them and fill in each cell` });
      continue;
    }
    const start = firstAtOrAfter(m.top);
    const top = data[start];
    if (!top) continue;
    const value = top.row === m.top ? (top.values[m.index] ?? null) : null;
    for (let k = start; k < data.length && data[k]!.row <= m.bottom; k++) data[k]!.values[m.index] = value;
  }
  return errors;
}

export interface LedgerSheet<K extends string = string> {
  name: string;
  columns: readonly LedgerColumn<K>[];
  rows: Iterable<Partial<Record<K, string | number | null>>>;
}

/** Writes a workbook of ledger sheets: each a bold, frozen header row and the rows below. Text stays text (grid codes, phones). */
export async function writeLedgerSheets(sheets: readonly LedgerSheet<any>[]): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'closeloop';
  for (const s of sheets) {
    const sheet = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = s.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14 }));
    sheet.getRow(1).font = { bold: true };
    for (const r of s.rows) sheet.addRow(s.columns.map((c) => r[c.key] ?? null));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Writes one ledger sheet. */
export function writeLedger<K extends string>(
  sheetName: string,
  columns: readonly LedgerColumn<K>[],
  rows: Iterable<Partial<Record<K, string | number | null>>>,
): Promise<Buffer> {
  return writeLedgerSheets([{ name: sheetName, columns, rows }]);
}
