/**
 * Generates a Shanghai-size registry straight into a migrated SQLite file with prepared
 * statements in large transactions (the domain's insert paths are far too slow for 290,000
 * sites, and correctness of those paths is what the tests cover).
 */
import type Database from 'better-sqlite3';
import { hashPassword } from '../../src/domain/auth/passwords.js';
import { addDays, shanghaiInstant } from '../../src/domain/checkins/local-time.js';
import { newId } from '../../src/domain/shared/ids.js';
import { seededRandom } from '../../src/domain/shared/random.js';

export const SCALE = { subdistricts: 215, committeesPer: 28, binRooms: 21_000, shops: 250_000, units: 20_000, checkinsPerDay: 60_000 };
export const PASSWORD = 'bench2026';
const HOURS = JSON.stringify([['07:00', '09:00'], ['18:00', '20:00']]);

export interface Generated {
  subdistricts: { id: string; operator: string }[];
  cadres: { username: string; committeeId: string; userId: string }[];
  binRoomsByCommittee: Map<string, { id: string; lat: number; lng: number }[]>;
  days: string[];
}

export async function generate(sqlite: Database.Database, today: string, historyDays: number, log: (s: string) => void): Promise<Generated> {
  const r = seededRandom(4242);
  const now = shanghaiInstant(addDays(today, -historyDays - 1), '08:00').toISOString();
  const pw = await hashPassword(PASSWORD);
  const tx = (f: () => void) => sqlite.transaction(f)();
  const ins = (table: string, cols: string[]) => sqlite.prepare(`insert into ${table} (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`);
  const out: Generated = { subdistricts: [], cadres: [], binRoomsByCommittee: new Map(), days: [] };
  const districtId = newId();
  const committees: { id: string; sub: string; lng: number; lat: number }[] = [];
  const insUser = ins('users', ['id', 'username', 'display_name', 'password_hash', 'role', 'subdistrict_id', 'status', 'failed_logins', 'created_at', 'updated_at']);
  const insScope = ins('user_scopes', ['id', 'user_id', 'subdistrict_id', 'committee_id']);
  tx(() => {
    ins('districts', ['id', 'code', 'name', 'name_en', 'created_at']).run(districtId, '310000', '上海市', 'Shanghai', now);
    const insSub = ins('subdistricts', ['id', 'district_id', 'code', 'name', 'name_en', 'created_at']);
    const insCom = ins('committees', ['id', 'subdistrict_id', 'code', 'name', 'name_en', 'created_at']);
    for (let s = 0; s < SCALE.subdistricts; s++) {
      const sub = newId();
      insSub.run(sub, districtId, String(s + 1).padStart(3, '0'), `街道${s + 1}`, `Subdistrict ${s + 1}`, now);
      const baseLng = 121.2 + (s % 15) * 0.03;
      const baseLat = 31.0 + Math.floor(s / 15) * 0.03;
      for (let c = 0; c < SCALE.committeesPer; c++) {
        const id = newId();
        insCom.run(id, sub, String(c + 1).padStart(3, '0'), `居委${s + 1}-${c + 1}`, `Committee ${s + 1}-${c + 1}`, now);
        committees.push({ id, sub, lng: baseLng + (c % 6) * 0.004, lat: baseLat + Math.floor(c / 6) * 0.004 });
        const userId = newId();
        const username = `b-cadre-${s + 1}-${c + 1}`;
        insUser.run(userId, username, username, pw, 'cadre', sub, 'active', 0, now, now);
        insScope.run(newId(), userId, sub, id);
        out.cadres.push({ username, committeeId: id, userId });
      }
      const op = newId();
      insUser.run(op, `b-operator-${s + 1}`, `operator ${s + 1}`, pw, 'operator', sub, 'active', 0, now, now);
      insScope.run(newId(), op, sub, null);
      out.subdistricts.push({ id: sub, operator: `b-operator-${s + 1}` });
    }
    const city = newId();
    insUser.run(city, 'b-city', 'city admin', pw, 'admin', null, 'active', 0, now, now);
    for (const s of out.subdistricts) insScope.run(newId(), city, s.id, null);
  });
  log(`  ${SCALE.subdistricts} subdistricts, ${committees.length} committees, ${out.cadres.length} cadres`);

  const insSite = ins('sites', ['id', 'subdistrict_id', 'committee_id', 'kind', 'name', 'address', 'lng', 'lat', 'disposal_hours', 'qr_code', 'status', 'created_at', 'updated_at', 'version']);
  const kinds: [string, number][] = [['bin_room', SCALE.binRooms], ['shop', SCALE.shops], ['institution', SCALE.units]];
  const shops: { id: string; sub: string; com: string; kind: string }[] = [];
  for (const [kind, n] of kinds) {
    tx(() => {
      for (let i = 0; i < n; i++) {
        const c = committees[i % committees.length]!;
        const id = newId();
        const lng = c.lng + (r.next() - 0.5) * 0.004;
        const lat = c.lat + (r.next() - 0.5) * 0.004;
        insSite.run(id, c.sub, c.id, kind, `${kind}-${i}`, `路${i}号`, lng, lat, kind === 'bin_room' ? HOURS : null, kind === 'bin_room' ? `BR-${i}` : null, 'active', now, now, 1);
        if (kind === 'bin_room') {
          const list = out.binRoomsByCommittee.get(c.id) ?? [];
          list.push({ id, lat, lng });
          out.binRoomsByCommittee.set(c.id, list);
        } else shops.push({ id, sub: c.sub, com: c.id, kind });
      }
    });
    log(`  ${n} ${kind} sites`);
  }

  // History: check-ins and misses for each past day and today, inspections spread over the days.
  const insCheckin = ins('checkins', ['id', 'subdistrict_id', 'committee_id', 'site_id', 'user_id', 'local_date', 'window_key', 'in_window', 'method', 'status', 'lat', 'lng', 'accuracy_m', 'distance_m', 'photo_id', 'first_at', 'last_at', 'repeat_count', 'evidence_flags']);
  const insMiss = ins('checkin_misses', ['id', 'subdistrict_id', 'committee_id', 'site_id', 'subject', 'user_id', 'local_date', 'window_key', 'window_end_at', 'created_at']);
  const cadreOf = new Map(out.cadres.map((c) => [c.committeeId, c.userId]));
  const photo = newId();
  for (let d = historyDays; d >= 0; d--) {
    const day = addDays(today, -d);
    out.days.push(day);
    let n = 0;
    tx(() => {
      for (const c of committees) {
        for (const room of out.binRoomsByCommittee.get(c.id) ?? []) {
          for (const [start, end] of [['07:00', '09:00'], ['18:00', '20:00']] as const) {
            const key = `${day}@${start}-${end}`;
            // ~70 % of windows covered on site, folded repeats bring rows towards 60,000 a day
            if (r.chance(0.7)) {
              const at = shanghaiInstant(day, start).toISOString();
              insCheckin.run(newId(), c.sub, c.id, room.id, cadreOf.get(c.id), day, key, 1, 'gps', 'on_site', room.lat, room.lng, 10, 5, photo, at, at, r.int(0, 1), '[]');
              n++;
            } else {
              insMiss.run(newId(), c.sub, c.id, room.id, 'site', null, day, key, shanghaiInstant(day, end).toISOString(), now);
              insMiss.run(newId(), c.sub, c.id, room.id, cadreOf.get(c.id), cadreOf.get(c.id), day, key, shanghaiInstant(day, end).toISOString(), now);
            }
          }
        }
      }
      // off-window and off-site check-ins make up the rest of the day's 60,000
      for (let i = n; i < SCALE.checkinsPerDay; i++) {
        const c = committees[i % committees.length]!;
        const rooms = out.binRoomsByCommittee.get(c.id) ?? [];
        const room = rooms[i % Math.max(1, rooms.length)];
        if (!room) continue;
        const at = shanghaiInstant(day, '12:00').toISOString();
        insCheckin.run(newId(), c.sub, c.id, room.id, cadreOf.get(c.id), day, `${day}@outside-${i}`, 0, 'gps', r.chance(0.1) ? 'off_site' : 'on_site', room.lat, room.lng, 15, 20, photo, at, at, 0, '[]');
      }
    });
  }
  log(`  ${out.days.length} days × ${SCALE.checkinsPerDay} check-ins`);
  inspections(sqlite, shops, out.days, now, r, ins, tx, log);
  return out;
}

function inspections(
  sqlite: Database.Database,
  shops: { id: string; sub: string; com: string; kind: string }[],
  days: string[],
  now: string,
  r: ReturnType<typeof seededRandom>,
  ins: (t: string, c: string[]) => Database.Statement,
  tx: (f: () => void) => void,
  log: (s: string) => void,
) {
  const inspector = (sqlite.prepare(`select id from users where role = 'operator' limit 1`).get() as { id: string }).id;
  const checklists = new Map<string, string>();
  const insCl = ins('checklists', ['id', 'subdistrict_id', 'site_kind', 'version', 'name', 'name_en', 'created_at']);
  const insInsp = ins('inspections', ['id', 'subdistrict_id', 'committee_id', 'site_id', 'site_kind', 'checklist_id', 'inspector_id', 'outcome', 'failed_count', 'unresolved_count', 'local_date', 'recorded_at', 'evidence_flags']);
  const insSc = ins('site_compliance', ['site_id', 'subdistrict_id', 'committee_id', 'site_kind', 'grade', 'grade_since', 'last_inspected_at', 'next_due_at', 'updated_at']);
  let n = 0;
  tx(() => {
    for (const s of shops) {
      const key = `${s.sub}|${s.kind}`;
      if (!checklists.has(key)) {
        const id = newId();
        insCl.run(id, s.sub, s.kind, 1, 'bench', 'bench', now);
        checklists.set(key, id);
      }
      // about half the sites inspected at some point in the window; graded accordingly
      if (!r.chance(0.5)) continue;
      const day = days[r.int(0, days.length - 1)]!;
      const at = shanghaiInstant(day, '10:00').toISOString();
      const fail = r.chance(0.2);
      insInsp.run(newId(), s.sub, s.com, s.id, s.kind, checklists.get(key), inspector, fail ? 'fail' : 'pass', fail ? 1 : 0, 0, day, at, '[]');
      const grade = fail ? 'red' : r.chance(0.5) ? 'green' : 'yellow';
      const days_ = { red: 7, yellow: 14, green: 30 }[grade];
      insSc.run(s.id, s.sub, s.com, s.kind, grade, at, at, new Date(new Date(at).getTime() + days_ * 86400_000).toISOString(), at);
      n++;
    }
  });
  log(`  ${n} inspections and graded sites`);
}
