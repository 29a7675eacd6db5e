import type { Role } from '../../db/schema.js';
import type { LedgerColumn } from '../shared/xlsx.js';

/** The staff ledger (人员台账): Chinese headers, English accepted too; import and export share it. */
export type StaffColumnKey = 'username' | 'displayName' | 'phone' | 'certNumber' | 'role' | 'subdistrict' | 'committee' | 'handlingUnit' | 'password';

export const STAFF_COLUMNS: readonly LedgerColumn<StaffColumnKey>[] = [
  { key: 'username', header: '用户名', aliases: ['账号', 'username', 'login'], width: 16 },
  { key: 'displayName', header: '姓名', aliases: ['name', 'display name'], width: 24 },
  { key: 'phone', header: '手机', aliases: ['手机号', '联系电话', 'phone', 'mobile'], width: 14 },
  { key: 'role', header: '角色', aliases: ['role'], width: 14 },
  { key: 'subdistrict', header: '街道', aliases: ['街镇', '街道(镇)', 'subdistrict'], width: 16 },
  { key: 'committee', header: '居委会', aliases: ['居民区', 'committee', 'committees'], width: 20 },
  { key: 'handlingUnit', header: '处置单位', aliases: ['所属单位', 'handling unit', 'unit'], width: 30 },
  { key: 'password', header: '初始密码', aliases: ['密码', 'password', 'initial password'], width: 14 },
  { key: 'certNumber', header: '执法证号', aliases: ['执法证件号', 'certificate', 'cert number'], width: 16 },
];

export const REQUIRED_STAFF_COLUMNS: readonly StaffColumnKey[] = ['username', 'displayName', 'role', 'password'];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  operator: '城运中心值班员',
  patrol: '市容辅助力量',
  cadre: '居委干部',
  enforcement: '城管执法队员',
  handler: '处置单位人员',
  leader: '领导',
};

/** Cells that hold several names: 安顺居民区、虹储居民区 (also , ， ; ；). */
export const splitList = (text: string | null) =>
  (text ?? '')
    .split(/[、,，;；\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export const LIST_SEPARATOR = '、';
