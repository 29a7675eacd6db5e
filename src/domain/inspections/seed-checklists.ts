import type { Db } from '../../db/index.js';
import { SITE_KINDS } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { CHECKLIST_TEMPLATES } from './checklist-templates.js';
import { insertChecklistVersion } from './checklists.js';

/** Publishes version 1 of each template in every subdistrict that has none yet. */
export async function seedChecklists(db: Db, clock: Clock): Promise<number> {
  const subs = await db.selectFrom('subdistricts').select('id').execute();
  const have = await db.selectFrom('checklists').select(['subdistrict_id', 'site_kind']).distinct().execute();
  const seen = new Set(have.map((h) => `${h.subdistrict_id}/${h.site_kind}`));
  let n = 0;
  for (const s of subs) {
    for (const kind of SITE_KINDS) {
      if (seen.has(`${s.id}/${kind}`)) continue;
      const t = CHECKLIST_TEMPLATES[kind];
      await insertChecklistVersion(db, clock, null, { subdistrictId: s.id, siteKind: kind, name: t.name, nameEn: t.nameEn, items: t.items });
      n++;
    }
  }
  return n;
}
