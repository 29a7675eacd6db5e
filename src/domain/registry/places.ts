import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { scopeCondition, subdistrictCondition } from '../auth/scope.js';

/** The part of the district → subdistrict → committee → grid tree the actor may see. */
export async function placeTree(db: Db, actor: Actor) {
  const subdistricts = await db
    .selectFrom('subdistricts')
    .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
    .select([
      'subdistricts.id',
      'subdistricts.code',
      'subdistricts.name',
      'subdistricts.name_en as nameEn',
      'districts.name as districtName',
      'districts.name_en as districtNameEn',
    ])
    .where(subdistrictCondition(actor, 'subdistricts.id'))
    .orderBy('subdistricts.code')
    .execute();
  const committees = await db
    .selectFrom('committees')
    .select(['id', 'subdistrict_id as subdistrictId', 'code', 'name', 'name_en as nameEn'])
    .where(scopeCondition(actor, 'subdistrict_id', 'id'))
    .orderBy('subdistrict_id')
    .orderBy('code')
    .execute();
  const grids = await db
    .selectFrom('grids')
    .select(['id', 'committee_id as committeeId', 'code', 'name'])
    .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
    .orderBy('code')
    .execute();
  return { subdistricts, committees, grids };
}
