import type { Db } from '../../db/index.js';
import { prepared, preparedFamily } from '../../db/prepared.js';
import type { CaseTable } from '../../db/schema.js';

/** Case queries that run on every report and transition, compiled once (see db/prepared.ts). */
export const caseById = prepared((db: Db, id: string) => db.selectFrom('cases').selectAll().where('id', '=', id));

export const categoryById = prepared((db: Db, id: string) => db.selectFrom('case_categories').selectAll().where('id', '=', id));

export const subdistrictPrefix = prepared((db: Db, id: string) =>
  db.selectFrom('subdistricts').select(['code', 'case_prefix']).where('id', '=', id),
);

const updateFamily = preparedFamily((key: string) => {
  const cols = key.split(',') as (keyof CaseTable)[];
  return {
    arity: cols.length + 2,
    build: (db: Db, ...v: unknown[]) =>
      db
        .updateTable('cases')
        .set(Object.fromEntries(cols.map((c, i) => [c, v[i]])) as Partial<CaseTable>)
        .where('id', '=', v[cols.length] as string)
        .where('version', '=', v[cols.length + 1] as number),
  };
});

/** UPDATE cases SET <only the given columns> WHERE id AND version (optimistic lock); rows changed. */
export async function updateCaseColumns(db: Db, id: string, version: number, set: Partial<CaseTable>): Promise<number> {
  const cols = Object.keys(set).sort() as (keyof CaseTable)[];
  const res = await updateFamily(cols.join(',')).run(db, ...cols.map((c) => set[c]), id, version);
  return Number(res.numAffectedRows ?? 0);
}
