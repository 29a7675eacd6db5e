import { SERVICE_CASE_STANDARDS } from '../service-ratings/system-case.js';

/**
 * System-only categories: the working standards only the system opens cases under (差评整改 from a
 * bad rating, 自助终端故障维修 from a silent terminal), created on first use by the system-case
 * module. Nobody files a case under them — they are left out of the report pickers, the public
 * report page and the Open311 services list, and refused when filed — but they stay wherever
 * existing cases are read or filtered (the catalogue, case lists, the dashboard).
 */
export const SYSTEM_ONLY_CATEGORY_CODES: readonly string[] = Object.values(SERVICE_CASE_STANDARDS).map((s) => s.code);

export function isSystemOnlyCategory(c: { level: string; code: string }): boolean {
  return c.level === 'standard' && SYSTEM_ONLY_CATEGORY_CODES.includes(c.code);
}
