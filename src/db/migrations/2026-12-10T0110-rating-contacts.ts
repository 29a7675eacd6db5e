import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// 回访: every contact with the rater of a 差评 is kept (who, when, channel, outcome, note), not only
// the last; the follow-up's callback_at stays the FIRST contact, which the on-time KPI reads.
// The callbacks recorded before this (one per follow-up, the last one made) become each
// follow-up's first contact, by telephone, reached.
const CHANNELS = ['phone', 'sms', 'visit', 'wechat'] as const;
const OUTCOMES = ['reached', 'unreachable', 'declined'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_rating_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('followup_id', 'text', (c) => c.notNull().references('service_rating_followups.id'))
    .addColumn('rating_id', 'text', (c) => c.notNull().references('service_ratings.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('contacted_at', ts(db), (c) => c.notNull())
    .addColumn('contacted_by', 'text', (c) => c.references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(inList('channel', CHANNELS)))
    .addColumn('outcome', 'text', (c) => c.notNull().check(inList('outcome', OUTCOMES)))
    .addColumn('note', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_rating_contacts_followup_ix').on('service_rating_contacts').columns(['followup_id', 'contacted_at']).execute();
  await db
    .insertInto('service_rating_contacts')
    .columns(['id', 'followup_id', 'rating_id', 'subdistrict_id', 'contacted_at', 'contacted_by', 'channel', 'outcome', 'note'])
    .expression((eb) =>
      eb
        .selectFrom('service_rating_followups')
        .select(['id', 'id as followup_id', 'rating_id', 'subdistrict_id', 'callback_at', 'callback_by', sql.lit('phone').as('channel'), sql.lit('reached').as('outcome'), sql`coalesce(callback_note, '')`.as('note')])
        .where('callback_at', 'is not', null),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_rating_contacts').execute();
}
