import type { Actor } from '../../src/domain/auth/actor.js';
import type { ReportInput, TransitionInput } from '../../src/domain/cases/case-input.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { newId } from '../../src/domain/shared/ids.js';
import { actorOf, demoContext, type TestContext } from '../helpers/app.js';
import type { DialectKind } from '../../src/db/index.js';

export interface CaseFixture {
  ctx: TestContext;
  hq: string;
  actors: Record<'operator' | 'patrol1' | 'cadre01' | 'cadre02' | 'handler1' | 'handler2' | 'enforcer1' | 'admin' | 'xxOperator' | 'leader', Actor>;
  /** a bin room of committee 001 and its property unit */
  binRoom: { id: string; committeeId: string; lng: number; lat: number };
  shop: { id: string; committeeId: string };
  categories: Record<string, string>;
  units: { handler1: string; handler2: string; enforcement: string; sanitation: string };
  photo(actor: Actor): Promise<string>;
  report(actor: Actor, over?: Partial<ReportInput>): ReturnType<typeof reportCase>;
  act(actor: Actor, caseId: string, input: TransitionInput): ReturnType<typeof transitionCase>;
}

export async function caseFixture(kind: DialectKind): Promise<CaseFixture> {
  const ctx = await demoContext(kind);
  const db = ctx.handle.db;
  const names = ['operator', 'patrol1', 'cadre01', 'cadre02', 'handler1', 'handler2', 'enforcer1', 'admin', 'xx-operator', 'leader'] as const;
  const list = await Promise.all(names.map((n) => actorOf(ctx, n)));
  const actors = Object.fromEntries(names.map((n, i) => [n === 'xx-operator' ? 'xxOperator' : n, list[i]])) as CaseFixture['actors'];
  const hq = actors.operator.subdistrictId as string;
  const c001 = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq).where('code', '=', '001').executeTakeFirstOrThrow();
  const binRoom = await db.selectFrom('sites').select(['id', 'committee_id as committeeId', 'lng', 'lat']).where('committee_id', '=', c001.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
  const shop = await db.selectFrom('sites').select(['id', 'committee_id as committeeId']).where('committee_id', '=', c001.id).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
  const cats = await db.selectFrom('case_categories').select(['id', 'code']).where('subdistrict_id', '=', hq).execute();
  const units = await db.selectFrom('handling_units').select(['id', 'kind']).where('subdistrict_id', '=', hq).execute();
  let n = 0;
  const f: CaseFixture = {
    ctx,
    hq,
    actors,
    binRoom: { ...binRoom, lng: Number(binRoom.lng), lat: Number(binRoom.lat) },
    shop,
    categories: Object.fromEntries(cats.map((c) => [c.code, c.id])),
    units: {
      handler1: actors.handler1.handlingUnitId as string,
      handler2: actors.handler2.handlingUnitId as string,
      enforcement: units.find((u) => u.kind === 'enforcement_team')!.id,
      sanitation: units.find((u) => u.kind === 'sanitation_company')!.id,
    },
    async photo(actor) {
      const id = newId();
      n++;
      await db.insertInto('photos').values({
        id, subdistrict_id: actor.subdistrictId, uploaded_by: actor.userId, sha256: `${String(n).padStart(8, '0')}${id.replace(/-/g, '')}`.slice(0, 64).padEnd(64, '0'),
        mime: 'image/jpeg', bytes: 1000, width: 10, height: 10, storage_key: `test/${id}`, thumb_key: null,
        exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
      } as never).execute();
      return id;
    },
    report(actor, over = {}) {
      return db.transaction().execute((trx) =>
        reportCase(trx, ctx.clock, actor, {
          source: 'patrol', categoryId: f.categories.A0301 as string, siteId: binRoom.id, lng: f.binRoom.lng, lat: f.binRoom.lat,
          description: '湿垃圾桶内混有塑料袋', ...over,
        }),
      );
    },
    act(actor, caseId, input) {
      // As the route calls it: atomic on its own (one statement on PostgreSQL, else a transaction).
      return transitionCase(db, ctx.clock, actor, caseId, input);
    },
  };
  return f;
}

/** A case's overdue marks as the row, the events and the escalations record them: [count, marks, escalations]. */
export async function overdueMarks(f: CaseFixture, caseId: string): Promise<[number, number, number]> {
  const db = f.ctx.handle.db;
  const row = await db.selectFrom('cases').select('overdue_count').where('id', '=', caseId).executeTakeFirstOrThrow();
  const marks = await db.selectFrom('case_events').select('seq').where('case_id', '=', caseId).where('action', '=', 'overdue').execute();
  const escalations = await db.selectFrom('notifications').select('id').where('case_id', '=', caseId).where('kind', '=', 'case_overdue').execute();
  return [Number(row.overdue_count), marks.length, escalations.length];
}
