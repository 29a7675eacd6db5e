import type { Kysely } from 'kysely';

// Covering indexes for the coverage board at city scale (index-only scans; see bench:coverage).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sites_coverage_ix').on('sites').columns(['kind', 'status', 'subdistrict_id', 'committee_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('site_compliance_due_ix').on('site_compliance').columns(['site_id', 'next_due_at', 'last_inspected_at']).execute();
  await db.schema.createIndex('inspections_cov_ix').on('inspections').columns(['subdistrict_id', 'local_date', 'committee_id', 'site_kind', 'site_id']).execute();
  await db.schema.createIndex('checkins_cov_ix').on('checkins').columns(['subdistrict_id', 'local_date', 'status', 'in_window', 'committee_id', 'site_id', 'window_key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const ix of ['checkins_cov_ix', 'inspections_cov_ix', 'site_compliance_due_ix', 'sites_coverage_ix']) await db.schema.dropIndex(ix).execute();
}
