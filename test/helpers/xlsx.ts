import ExcelJS from 'exceljs';

export type Cell = string | number | null;

/** An .xlsx workbook of one sheet: the first row is the header. */
export async function workbook(rows: Cell[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Every row of the first sheet as cell texts (header included), for comparing exports. */
export async function sheetRows(bytes: Buffer | Uint8Array): Promise<(string | null)[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const out: (string | null)[][] = [];
  ws.eachRow((row) => {
    const cells: (string | null)[] = [];
    for (let c = 1; c <= ws.columnCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined || v === '' ? null : String(v));
    }
    out.push(cells);
  });
  return out;
}

/** A multipart/form-data body with one file part, for app.inject(). */
export function multipart(bytes: Buffer, opts: { field?: string; filename?: string; contentType?: string } = {}) {
  const boundary = `----closeloop${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="${opts.filename ?? 'ledger.xlsx'}"\r\n` +
      `Content-Type: ${opts.contentType ?? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const SITE_HEADER: Cell[] = ['名称', '类型', '地址', '居委会', '网格编码', '经度', '纬度', '投放时段', '二维码', '责任人名称', '责任人类型', '联系人', '联系电话'];
export const STAFF_HEADER: Cell[] = ['用户名', '姓名', '手机', '角色', '街道', '居委会', '处置单位', '初始密码', '执法证号'];
