/**
 * Which working standard of the case catalogue a failed checklist item becomes when no
 * category is chosen on the form. Items not listed need an explicit categoryId.
 */
export const DEFAULT_CATEGORY_FOR_ITEM: Record<string, string> = {
  'BR-CONTAINERS': 'A0401',
  'BR-SIGNAGE': 'A0501',
  'BR-OVERFLOW': 'A0102',
  'BR-MIXED': 'A0301',
  'BR-CLEAN': 'A0601',
  'BR-ATTENDANT': 'A0701',
  'BR-HANDWASH': 'A0404',
  'SH-CONTAINERS': 'B0101',
  'SH-SIGNAGE': 'B0401',
  'SH-CONTRACT': 'B0201',
  'SH-HANDOVER': 'B0301',
  'SH-FRONTAGE': 'B0302',
  'IN-CONTAINERS': 'C0101',
  'IN-MANAGER': 'C0102',
  'IN-HANDOVER': 'C0201',
  'IN-CONTRACT': 'C0202',
  'IN-HAZARDOUS': 'C0201',
};
