import type { TFunction } from 'i18next';
import i18n from 'i18next';
import { ApiError, type FieldError } from './api';
import { reasonZh } from './field-reasons';
import './i18n/ux';

const isZh = () => (i18n.language ?? 'zh').startsWith('zh');

/** The field's last named segment: items.0.caseId → caseId, answers.3.photoIds → photoIds. */
function baseName(field: string): string {
  const parts = field.split('.').filter((p) => !/^\d+$/.test(p));
  return parts[parts.length - 1] ?? field;
}

/**
 * A form's own words for fields it sends, by field name, where its labels differ from the shared
 * table (the public report page's 联系电话 for `phone`, which the console's staff form calls 手机).
 */
export type OwnLabels = Readonly<Record<string, string>>;

/** A field's label in the current language: the form's own word, else the shared table's (the field id when none is known). */
export function fieldLabel(t: TFunction, field: string, own?: OwnLabels): string {
  const name = baseName(field);
  const key = `ux.fields.${name}`;
  const label = own?.[name] ?? (i18n.exists(key) ? t(key) : name);
  const index = /\.(\d+)(?:\.|$)/.exec(field);
  return index ? `${label}（${Number(index[1]) + 1}）` : label;
}

/** The server's reason for one field, in the current language. */
export function fieldReason(t: TFunction, fe: FieldError & { rule?: string; params?: Record<string, string | number> }): string {
  if (fe.rule && fe.rule !== 'invalid') {
    const origin = fe.params?.origin;
    const key = fe.rule === 'too_small' || fe.rule === 'too_big' ? `ux.rules.${fe.rule}_${origin === 'string' || origin === 'array' ? origin : 'number'}` : `ux.rules.${fe.rule}`;
    if (i18n.exists(key)) return t(key, fe.params ?? {});
  }
  if (!isZh()) return fe.reason;
  return reasonZh(fe.reason) ?? t('ux.rules.invalid');
}

/** "问题类别：必填；照片：请至少拍一张现场照片" — every field error of an API error, or null when it names none. */
export function explainFields(t: TFunction, err: unknown, own?: OwnLabels): string | null {
  if (!(err instanceof ApiError) || err.fields.length === 0) return null;
  const sep = isZh() ? '：' : ': ';
  return err.fields.map((f) => `${fieldLabel(t, f.field, own)}${sep}${fieldReason(t, f)}`).join(isZh() ? '；' : '; ');
}

/** Error codes without a sentence in the common bundle, translated in the ux bundle. */
export function codeText(t: TFunction, code: string): string | null {
  const key = `ux.codes.${code}`;
  return i18n.exists(key) ? t(key) : null;
}
