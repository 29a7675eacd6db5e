import type { Kysely } from 'kysely';

// The bundled calendar package's arrangement of each year as running deadlines were last computed
// on it: the days it makes differ from plain Monday–Friday ('YYYY-MM-DD:holiday' for a weekday off,
// 'YYYY-MM-DD:workday' for a make-up weekend), as a JSON array. A newer package that changes a day
// re-times the deadlines running over it at start-up, as entering that day by hand would.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_package_years')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('days', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_package_years').execute();
}
