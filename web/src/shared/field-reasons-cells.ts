/** What is wrong with one cell of a workbook (src/domain/shared/xlsx-reader.ts), in Chinese. */
const CELL_PROBLEMS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^formula without a saved result; open the file in Excel, save it, or paste the values$/, () => '公式没有保存计算结果：请在 Excel 中打开并保存，或粘贴为数值'],
  [/^refers to a shared string the file does not contain$/, () => '引用了文件中不存在的文本'],
  [/^the formula's result is the error (.+)$/, (m) => `公式的结果是错误值 ${m[1]}`],
  [/^the cell holds the error (.+)$/, (m) => `单元格中是错误值 ${m[1]}`],
];

export function reasonOfCell(problem: string): string {
  for (const [re, out] of CELL_PROBLEMS) {
    const m = re.exec(problem);
    if (m) return out(m);
  }
  return problem;
}
