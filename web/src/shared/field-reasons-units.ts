/**
 * Field reasons of handling units in Chinese: src/domain/registry/handling-units.ts (the kind and
 * committee of a unit with open cases, and the contact phone of the unit's form).
 */
type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

export const UNIT_REASONS_ZH: Pattern[] = [
  [/^open cases are dispatched to this unit; close or re-dispatch them first$/, '该单位还有未办结的案件，请先办结或改派这些案件，再修改单位类型或所属居委会'],
  [/^expected a phone number$/, '请填写有效的电话号码'],
];
