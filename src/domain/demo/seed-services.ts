import type { Db } from '../../db/index.js';
import { hashPassword } from '../auth/passwords.js';
import type { Clock } from '../shared/clock.js';
import { seedServiceCatalogue } from './seed-service-catalogue.js';
import { CHANGNING_TOWNS, HONGQIAO_BUILDINGS, seedServiceGrids, seedSubdistrictGrids, seedSubdistrictNetwork } from './seed-service-network.js';

/**
 * The 一网通办 demo on top of seedDemo: the 12 / 101 catalogue, Changning's 35 grids with the
 * zone plan, and the front office of every seeded subdistrict (Hongqiao with its three building
 * windows). Window clerks sign in with the demo password (`window1` … in Hongqiao).
 */
export async function seedServicesDemo(
  db: Db,
  clock: Clock,
  o: { password: string; /** a benchmark's synthetic subdistricts: building windows and grids each */ synthetic?: { buildings: number; grids: number } },
) {
  return db.transaction().execute(async (trx) => {
    const catalogue = await seedServiceCatalogue(trx, clock);
    const subs = await trx
      .selectFrom('subdistricts')
      .innerJoin('committees', 'committees.subdistrict_id', 'subdistricts.id')
      .select(['subdistricts.id', 'subdistricts.code', 'subdistricts.name'])
      .distinct()
      .orderBy('subdistricts.code')
      .execute();
    const passwordHash = await hashPassword(o.password);
    const networks = [];
    for (const s of subs) {
      const hongqiao = s.code === '008';
      const prefix = hongqiao ? '' : await usernamePrefix(trx, s.id);
      networks.push(await seedSubdistrictNetwork(trx, clock, s.id, { prefix, code: s.code, name: s.name, buildings: hongqiao ? HONGQIAO_BUILDINGS : o.synthetic ? undefined : [], syntheticBuildings: o.synthetic?.buildings, passwordHash, seed: Number(s.code) }));
    }
    const grids = await seedServiceGrids(trx, clock);
    if (o.synthetic) {
      const changning = new Set(CHANGNING_TOWNS.map((t) => t.code));
      for (const s of subs) if (!changning.has(s.code)) await seedSubdistrictGrids(trx, clock, s, o.synthetic.grids, Number(s.code));
    }
    return { catalogue, grids, networks };
  });
}

/** The username prefix seedDemo gave a subdistrict's staff ('' for Hongqiao, 'xx-' for Xianxia…). */
async function usernamePrefix(db: Db, subdistrictId: string) {
  const op = await db.selectFrom('users').select('username').where('subdistrict_id', '=', subdistrictId).where('role', '=', 'operator').executeTakeFirst();
  return op ? op.username.replace(/operator$/, '') : `s${subdistrictId.slice(-4)}-`;
}
