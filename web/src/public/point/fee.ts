/**
 * The words the catalogue writes for "no fee" (its default, src/domain/services-catalogue/item-input.ts
 * FEE_FREE, and what imported 办事指南 say): shown in the reader's language. Any other fee is the
 * department's own text (amounts, conditions) and is shown as written.
 */
const FREE = new Set(['不收费', '免费', '无']);

export function feeText(t: (k: string) => string, fee: string): string {
  return FREE.has(fee.trim()) ? t('ywPub.feeFree') : fee;
}
