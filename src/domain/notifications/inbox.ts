import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { type NoticeLanguage, renderStored } from './messages.js';

/** The signed-in person's in-app inbox: only their own rows, ever. */
export interface InboxItemDto {
  id: string;
  kind: string;
  /** In the reader's language (older notices, stored before message keys: as written, in Chinese). */
  title: string;
  body: string;
  caseId: string | null;
  createdAt: string;
  readAt: string | null;
}

export async function unreadCount(db: Db, actor: Actor): Promise<number> {
  const r = await db
    .selectFrom('inbox_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', actor.userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Newest first, keyset-paginated on the (time-ordered) item id; each notice in `lang`, the reader's language. */
export async function listInbox(
  db: Db,
  actor: Actor,
  q: { unread?: boolean; after?: string; limit: number },
  lang: NoticeLanguage = 'zh',
): Promise<{ items: InboxItemDto[]; nextCursor: string | null; unread: number }> {
  let query = db
    .selectFrom('inbox_items')
    .innerJoin('notifications', 'notifications.id', 'inbox_items.notification_id')
    .select([
      'inbox_items.id',
      'inbox_items.created_at',
      'inbox_items.read_at',
      'notifications.kind',
      'notifications.title',
      'notifications.body',
      'notifications.message_key',
      'notifications.params',
      'notifications.case_id',
    ])
    .where('inbox_items.user_id', '=', actor.userId);
  if (q.unread) query = query.where('inbox_items.read_at', 'is', null);
  if (q.after) query = query.where('inbox_items.id', '<', q.after);
  const rows = await query.orderBy('inbox_items.id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      ...renderStored(r, lang),
      caseId: r.case_id,
      createdAt: r.created_at,
      readAt: r.read_at,
    })),
    nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    unread: await unreadCount(db, actor),
  };
}

export async function markRead(db: Db, clock: Clock, actor: Actor, id: string): Promise<{ unread: number }> {
  const item = await db
    .selectFrom('inbox_items')
    .select(['id', 'read_at'])
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!item) throw notFound('Inbox item', id);
  if (!item.read_at) {
    await db.updateTable('inbox_items').set({ read_at: clock.now().toISOString() }).where('id', '=', id).where('read_at', 'is', null).execute();
  }
  return { unread: await unreadCount(db, actor) };
}

/**
 * "全部已读": marks my unread items read up to `upTo`, the newest item the client showed (the
 * first of the list it loaded), and none newer — a dispatch that arrived after the list was
 * loaded stays unread until it is seen. Item ids are time-ordered, as the list is. `upTo` must be
 * one of my items (else not found, as for one item). Without `upTo` (older clients), every unread
 * item is marked, as before.
 */
export async function markAllRead(db: Db, clock: Clock, actor: Actor, upTo?: string): Promise<{ marked: number; unread: number }> {
  if (upTo !== undefined) {
    const shown = await db.selectFrom('inbox_items').select('id').where('id', '=', upTo).where('user_id', '=', actor.userId).executeTakeFirst();
    if (!shown) throw notFound('Inbox item', upTo);
  }
  let update = db
    .updateTable('inbox_items')
    .set({ read_at: clock.now().toISOString() })
    .where('user_id', '=', actor.userId)
    .where('read_at', 'is', null);
  if (upTo !== undefined) update = update.where('id', '<=', upTo);
  const r = await update.executeTakeFirst();
  return { marked: Number(r.numUpdatedRows), unread: await unreadCount(db, actor) };
}
