/**
 * Excel ledger import reasons in Chinese (src/domain/registry/import-sites.ts, staff/import-staff.ts,
 * shared/xlsx.ts and xlsx-reader.ts), and zod's own messages for the ledger columns' checks, so a
 * Chinese screen lists every bad row in Chinese. Kept apart from field-reasons.ts (which every app
 * loads first) because only the console imports ledgers.
 */
import { reasonOfCell } from './field-reasons-cells.js';
import { reasonZh } from './field-reasons.js';

type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

const list = (s: string) => s.replace(/,\s*| or /g, '、');

export const IMPORT_REASONS_ZH: Pattern[] = [
  [/^unknown kind "(.*)"; expected (.+)$/, (m) => `无法识别的类型“${m[1]}”，应为 ${list(m[2]!)}`],
  [/^unknown role "(.*)"; expected one of (.+)$/, (m) => `无法识别的角色“${m[1]}”，应为以下之一：${m[2]!.replace(/\//g, '、')}`],
  [/^no committee named "(.*)" in your scope$/, (m) => `您的管辖范围内没有名为“${m[1]}”的居委会`],
  [/^no subdistrict named "(.*)" in your scope$/, (m) => `您的管辖范围内没有名为“${m[1]}”的街道`],
  [/^no handling unit named "(.*)" in your scope$/, (m) => `您的管辖范围内没有名为“${m[1]}”的处置单位`],
  [/^"(.*)" is ambiguous: several committees in your scope have this name$/, (m) => `“${m[1]}”有歧义：管辖范围内有多个同名居委会`],
  [/^"(.*)" is ambiguous: name the subdistrict$/, (m) => `“${m[1]}”有歧义：请同时填写街道`],
  [/^"(.*)" is ambiguous$/, (m) => `“${m[1]}”有歧义：管辖范围内有多个同名单位`],
  [/^"(.*)" is not a number$/, (m) => `“${m[1]}”不是数字`],
  [/^cannot read "(.*)"; expected e\.g\. (.+)$/, (m) => `无法识别“${m[1]}”，格式应如 ${m[2]}`],
  [/^required when a responsible-party kind or contact is given$/, '填写了责任人类型或联系人时，责任人名称必填'],
  [/^required: you administer several subdistricts$/, '您管理多个街道，请填写街道'],
  [/^QR code (.+) is also on row (\d+)$/, (m) => `二维码 ${m[1]} 与第 ${m[2]} 行重复`],
  [/^the same site \(committee, kind, name and address\) is also on row (\d+)$/, (m) => `与第 ${m[1]} 行是同一点位（居委会、类型、名称和地址均相同）`],
  [/^username (.+) is also on row (\d+)$/, (m) => `用户名 ${m[1]} 与第 ${m[2]} 行重复`],
  [/^committee outside your scope$/, '居委会不在您的管辖范围内'],
  [/^the sheet has no data rows$/, '工作表中没有数据行'],
  [/^merged cells (\S+) span several columns; unmerge them and fill in each cell$/, (m) => `合并单元格 ${m[1]} 跨越多列：请取消合并，并逐格填写`],
  [/^merged cells (\S+) overlap (\S+); unmerge them and fill in each cell$/, (m) => `合并单元格 ${m[1]} 与 ${m[2]} 重叠：请取消合并，并逐格填写`],
  [/^merged cells (\S+) join the header to the rows below; unmerge them and fill in each cell$/, (m) => `合并单元格 ${m[1]} 把表头与下面的行合并在一起：请取消合并，并逐格填写`],
  [/^required column is missing$/, '缺少必需的列'],
  [/^([A-Z]{0,3}\d+): (.+)$/, (m) => `单元格 ${m[1]}：${reasonOfCell(m[2]!)}`],
  [/^expected HH:MM$/, '时间格式应为 时:分（如 07:30）'],
  [/^expected a phone number$/, '请填写有效的电话号码'],
  [/^grid code is 15 characters$/, '网格编码为 15 位字母或数字'],
  [/^(\d+)–(\d+) letters, digits, dot, dash or underscore$/, (m) => `${m[1]}–${m[2]} 位字母、数字、点、连字符或下划线`],
  [/^(\d+)–(\d+) letters, digits or dashes$/, (m) => `${m[1]}–${m[2]} 位字母、数字或连字符`],
  [/^at least one subdistrict or committee$/, '请至少选择一个街道或居委会'],
  // The service catalogue workbook (services-catalogue/import-catalogue.ts)
  [/^category (.+) is also on row (\d+)$/, (m) => `类别编码 ${m[1]} 与第 ${m[2]} 行重复`],
  [/^implementation code (.+) is also on row (\d+)$/, (m) => `实施编码 ${m[1]} 与第 ${m[2]} 行重复`],
  [/^basic code (.+) is also on row (\d+)$/, (m) => `基本编码 ${m[1]} 与第 ${m[2]} 行重复`],
  [/^unknown category "(.*)": not on the categories sheet nor in the catalogue$/, (m) => `类别“${m[1]}”既不在事项类别表中，也不在现有目录中`],
  [/^unknown form "(.*)"; expected (.+)$/, (m) => `无法识别的材料形式“${m[1]}”，应为 ${list(m[2]!)}`],
  [/^unknown mode "(.*)"; expected (.+)$/, (m) => `无法识别的办理方式“${m[1]}”，应为 ${list(m[2]!)}`],
  [/^unknown channel "(.*)"; expected (.+)$/, (m) => `无法识别的办理渠道“${m[1]}”，应为 ${list(m[2]!)}`],
  [/^"(.*)" is not a whole number$/, (m) => `“${m[1]}”不是整数`],
  [/^expected 是 or 否$/, '请填写“是”或“否”'],
  [/^step (\d+): expected name\|working days\|计入 or 不计入$/, (m) => `第 ${m[1]} 个环节：格式应为“环节名称|工作日|计入”或“…|不计入”`],
  [/^no item with this implementation code on the items sheet$/, '办事指南表中没有该实施编码的事项'],
  [/^the basic code differs from the catalogue's \((.+)\); an import does not change codes$/, (m) => `基本编码与目录中的（${m[1]}）不一致；导入不会修改编码`],
  [/^letters, digits and dashes only$/, '只能包含字母、数字和连字符'],
  // zod's own messages (a column's length, range, choice or type)
  [/^Too big: expected string to have <=(\d+) characters$/, (m) => `不能超过 ${m[1]} 个字符`],
  [/^Too small: expected string to have >=1 characters$/, '必填'],
  [/^Too small: expected string to have >=(\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^Too big: expected number to be <=(-?[\d.]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Too small: expected number to be >=(-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Too big: expected array to have <=(\d+) items$/, (m) => `最多 ${m[1]} 项`],
  [/^Invalid option: expected one of (.+)$/, (m) => `应为以下之一：${m[1]!.replace(/"/g, '').replace(/\|/g, '、')}`],
  [/^Invalid input: expected (\w+), received (\w+)$/, '格式不正确'],
];

/** The Chinese sentence for an import row's reason (or any domain reason), or null when no pattern knows it. */
export function importReasonZh(reason: string): string | null {
  for (const [re, out] of IMPORT_REASONS_ZH) {
    const m = re.exec(reason);
    if (m) return typeof out === 'string' ? out : out(m);
  }
  return reasonZh(reason);
}
