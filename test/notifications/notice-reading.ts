import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { newId } from '../../src/domain/shared/ids.js';

/**
 * Reading one notice as its readers do: in the inbox with the app set to English and to Chinese,
 * and as the subdistrict's WeCom robot set to English posted it.
 */
export interface NoticeSeen {
  en: { title: string; body: string };
  zh: { title: string; body: string };
  /** The robot message's text, when the subdistrict had an English robot as the notice was written. */
  robot: string | null;
}

/** The subdistrict's robot, posting in English from now on (until `remove`). */
export async function englishRobot(db: Db, subdistrictId: string) {
  const at = new Date().toISOString();
  await db.deleteFrom('notification_webhooks').where('subdistrict_id', '=', subdistrictId).execute();
  await db
    .insertInto('notification_webhooks')
    .values({ id: newId(), subdistrict_id: subdistrictId, url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=lang-test', enabled: 1, language: 'en', created_at: at, updated_at: at })
    .execute();
  return { remove: () => db.deleteFrom('notification_webhooks').where('subdistrict_id', '=', subdistrictId).execute() };
}

/** The notice of `kind` (about `caseId`, when given; else the newest of its kind) in `cookie`'s inbox, in both languages, and its robot text. */
export async function seeNotice(app: FastifyInstance, db: Db, cookie: string, kind: string, caseId?: string): Promise<NoticeSeen> {
  const read = async (lang: 'en' | 'zh') => {
    const r = await app.inject({ method: 'GET', url: `/api/inbox?limit=200&lang=${lang}`, headers: { cookie } });
    expect(r.statusCode, r.body).toBe(200);
    const items = (r.json().items as { kind: string; title: string; body: string; caseId: string | null }[]).filter((i) => i.kind === kind && (caseId === undefined || i.caseId === caseId));
    expect(items.length, `${kind} in the ${lang} inbox`).toBeGreaterThan(0);
    return { title: items[0]!.title, body: items[0]!.body };
  };
  let q = db
    .selectFrom('notifications as n')
    .leftJoin('webhook_deliveries as d', 'd.notification_id', 'n.id')
    .select(['d.payload', 'd.url'])
    .where('n.kind', '=', kind);
  if (caseId !== undefined) q = q.where('n.case_id', '=', caseId);
  const delivery = await q.orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').executeTakeFirst();
  const robot = delivery?.url && delivery.payload ? (JSON.parse(delivery.payload).text.content as string) : null;
  return { en: await read('en'), zh: await read('zh'), robot };
}

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

/**
 * The English reading has no Chinese words of its own: Chinese left in it comes only from the
 * free text named (`allowed`: a description, a reason, names as written).
 */
export function expectEnglish(text: string, allowed: string[] = []) {
  let rest = text;
  for (const a of allowed) rest = rest.split(a).join('');
  expect(rest, text).not.toMatch(CJK);
}
