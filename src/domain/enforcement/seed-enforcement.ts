import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { insertVersion, type LegalBasisInput } from './legal-basis.js';
import { DEFAULT_PATTERNS } from './numbering.js';

const AGENCY_ZH = '上海市长宁区城市管理行政执法局';
const AGENCY_EN = 'Changning District Urban Management and Law Enforcement Bureau, Shanghai';
const REGULATION_ZH = '上海市生活垃圾管理条例';
const REGULATION_EN = 'Shanghai Domestic Waste Management Regulations';

/**
 * 较大数额罚款: the fines from which a party may request a hearing (行政处罚法 art. 63). Shanghai's
 * starting values (units 50,000 RMB, individuals 5,000 RMB) as data on each legal basis version.
 */
const HEARING_THRESHOLDS = { unit: 50_000, individual: 5_000 };

/**
 * Seed facts from DOMAIN.md §2. The article numbers are data, editable in the catalogue: the
 * penalty article for responsible parties was not verified, and the discretion bands below are
 * the platform's starting values (the official table bands by waste type and first/repeat).
 */
export const SEED_LEGAL_BASES: LegalBasisInput[] = [
  {
    code: 'SH-DWMR-26-1', regulationZh: REGULATION_ZH, regulationEn: REGULATION_EN, article: '第二十六条', clause: '第一款',
    dutyZh: '管理责任人应当按照规定设置生活垃圾分类收集容器和分类标识，并保持容器完好、标识清晰，将分类投放的生活垃圾交由符合规定的单位分类收运。',
    dutyEn: 'The responsible party must set up sorting containers and signage, keep them in good order, and hand sorted waste to an authorised collector.',
    penaltyZh: '由城管执法部门责令限期改正；逾期不改正的，处五百元以上五千元以下罚款。',
    penaltyEn: 'Ordered by city management to correct within a deadline; if not corrected, a fine of 500 to 5,000 RMB.',
    fineMin: 500, fineMax: 5000,
    bands: [
      { subject: 'unit', offence: 'first', wasteType: null, min: 500, max: 2000, proposed: 500 },
      { subject: 'unit', offence: 'repeat', wasteType: null, min: 2000, max: 5000, proposed: 2000 },
    ],
    hearingThresholds: HEARING_THRESHOLDS, agencyZh: AGENCY_ZH, agencyEn: AGENCY_EN,
  },
  {
    code: 'SH-DWMR-57', regulationZh: REGULATION_ZH, regulationEn: REGULATION_EN, article: '第五十七条', clause: null,
    dutyZh: '单位和个人应当将生活垃圾分类投放至相应的收集容器，不得混合投放。',
    dutyEn: 'Units and individuals must put sorted waste into the matching containers and must not mix categories.',
    penaltyZh: '由城管执法部门责令立即改正；拒不改正的，对单位处五千元以上五万元以下罚款，对个人处五十元以上二百元以下罚款。',
    penaltyEn: 'Ordered to correct at once; if refused, units are fined 5,000–50,000 RMB and individuals 50–200 RMB.',
    fineMin: 50, fineMax: 50000,
    bands: [
      { subject: 'unit', offence: 'first', wasteType: null, min: 5000, max: 20000, proposed: 5000 },
      { subject: 'unit', offence: 'repeat', wasteType: null, min: 20000, max: 50000, proposed: 20000 },
      { subject: 'individual', offence: 'first', wasteType: null, min: 50, max: 100, proposed: 50 },
      { subject: 'individual', offence: 'repeat', wasteType: null, min: 100, max: 200, proposed: 100 },
    ],
    hearingThresholds: HEARING_THRESHOLDS, agencyZh: AGENCY_ZH, agencyEn: AGENCY_EN,
  },
];

/**
 * Suggested rectification periods (working days) by category code: signage and containers can be
 * put right within a working day or two; the default covers the rest. Editable in the settings.
 */
export const DEFAULT_RECTIFY_DAYS = {
  default: 2,
  byCategory: { B0101: 3, B0102: 3, B0201: 5, B0202: 5, B0301: 1, B0401: 1, C0101: 3, C0201: 1 } as Record<string, number>,
};

/** Office name used in document numbers: 长城管(虹桥) for 虹桥街道. */
export const officeNameFor = (subdistrictName: string) => `长城管(${subdistrictName.replace(/街道$|镇$/, '')})`;

/** Adds enforcement settings and the seed legal bases to every subdistrict that has none (idempotent). */
export async function seedEnforcement(db: Db, clock: Clock) {
  const at = clock.now().toISOString();
  const subs = await db.selectFrom('subdistricts').select(['id', 'name']).execute();
  const have = new Set((await db.selectFrom('enforcement_settings').select('subdistrict_id').execute()).map((r) => r.subdistrict_id));
  for (const sub of subs) {
    if (have.has(sub.id)) continue;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('enforcement_settings').values({
        subdistrict_id: sub.id, office_name: officeNameFor(sub.name), agency_name: AGENCY_ZH,
        number_patterns: JSON.stringify(DEFAULT_PATTERNS), repeat_window_days: 365, repeat_starts_at_notice: 0,
        payment_days: 15, reinspection_hours: 8, statement_days: 3, hearing_request_days: 5,
        rectify_working_days: JSON.stringify(DEFAULT_RECTIFY_DAYS), signing_key: randomBytes(32).toString('hex'), updated_at: at,
      }).execute();
      for (const lb of SEED_LEGAL_BASES) {
        const id = newId();
        await trx.insertInto('legal_bases').values({ id, subdistrict_id: sub.id, code: lb.code, current_version: 1, active: 1, created_at: at, updated_at: at }).execute();
        await insertVersion(trx, clock, id, 1, { ...lb, clause: lb.clause ?? null, hearingThresholds: lb.hearingThresholds ?? null, bands: lb.bands.map((b) => ({ ...b, wasteType: b.wasteType ?? null })) }, null);
      }
    });
  }
}
