import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStepTable, ServiceMethod } from '../../db/schema.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import { computeDueAt, remainingLimitMs } from '../calendar/deadlines.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { zhDate, zhDateTime } from './document-content.js';
import { periodEnd } from './periods.js';

/**
 * Service (送达) of a document given to the party. 行政处罚法 (2021) art. 61 sends service to the
 * 民事诉讼法 (2023, arts. 87–95); the party's periods run from the day it RECEIVES the document
 * (arts. 44–45 statement and defence, 64 hearing request, 67 payment, a rectification period):
 * - direct (直接送达): the party (or an adult family member, its unit) signs; served that day;
 * - left_on_refusal (留置送达): only when the party refuses to sign — the officers note it and
 *   leave the document, with a witness (基层组织或所在单位的代表) or photos/video of the service;
 * - electronic_with_consent (电子送达): only with the party's consent; served the day it reaches
 *   the party's system;
 * - post (邮寄送达): served on the date on the return receipt;
 * - public_notice (公告送达): only when the party cannot be found or the other ways failed;
 *   deemed served thirty days after the notice is published.
 * An absent party is NOT served: the document starts no period until a later service is recorded.
 */
export type { ServiceMethod };

/** Days after publication a public notice counts as served (民事诉讼法 art. 95). */
export const PUBLIC_NOTICE_DAYS = 30;

/** The ways a document not handed over on site may be served later. */
export const LATER_METHODS = ['post', 'electronic_with_consent', 'public_notice'] as const;

export interface ServiceRecord {
  method: ServiceMethod;
  /** When the document counts as served: the party's periods run from this day. */
  servedAt: string;
  /** Left on refusal: the witness and/or the photos recording the service. */
  witness?: string | null;
  photoIds?: string[];
  /** Electronic: how the party consented, and the address (system) it reached. */
  consent?: string | null;
  address?: string | null;
  /** Post: the registered-mail or courier number; the receipt date is `servedAt`'s day. */
  trackingNumber?: string | null;
  /** Public notice: where and when it was published, and why the other ways failed. */
  publishedOn?: string | null;
  medium?: string | null;
  reason?: string | null;
  /** A service recorded after the step (the party was absent when the document was issued). */
  recordedLater?: { by: string; byName: string; at: string } | null;
}

const METHOD_ZH: Record<ServiceMethod, string> = {
  direct: '直接送达',
  left_on_refusal: '留置送达',
  electronic_with_consent: '电子送达',
  post: '邮寄送达',
  public_notice: '公告送达',
};

/** The service of a step's document as kept on the step (null: none, or not served yet). */
export function serviceOf(s: Pick<EnforcementStepTable, 'service' | 'service_method' | 'served_at'>): ServiceRecord | null {
  if (s.service) return JSON.parse(s.service) as ServiceRecord;
  if (s.service_method && s.served_at) return { method: s.service_method, servedAt: s.served_at };
  return null;
}

/**
 * When a step's document counts as served (null: not yet): its service, or — a document issued
 * before service was kept, which the migration gave `served_at` = its issue — when it was issued.
 */
export function servedAtOf(s: Pick<EnforcementStepTable, 'at' | 'acknowledgement' | 'service' | 'service_method' | 'served_at'>): string | null {
  const r = serviceOf(s);
  if (r) return r.servedAt;
  if (s.served_at) return s.served_at;
  return s.acknowledgement === 'absent' ? null : s.at;
}

/** Whether the step's document is served (on site, later, or issued before service was kept). */
export function isServed(s: Pick<EnforcementStepTable, 'at' | 'acknowledgement' | 'service' | 'service_method' | 'served_at'>): boolean {
  return servedAtOf(s) !== null;
}

/** 送达情况 as a document states it. */
export function serviceZh(acknowledgement: 'signed' | 'refused' | 'absent' | null, r: ServiceRecord | null | undefined): string | null {
  if (!r) {
    if (acknowledgement === 'absent') return '当事人不在场，本文书未当场送达，将依法另行送达；当事人的期限自送达之日起计算';
    if (acknowledgement === 'refused') return '当事人拒绝签收（执法人员注明并拍照留证）';
    return acknowledgement === 'signed' ? '当事人已签收' : null;
  }
  const on = zhDate(r.servedAt);
  switch (r.method) {
    case 'direct':
      return `直接送达，当事人于${on}签收`;
    case 'left_on_refusal': {
      const proof = [r.witness ? `见证人：${r.witness}` : null, r.photoIds?.length ? `拍照记录送达过程${r.photoIds.length}张` : null].filter(Boolean).join('；');
      return `当事人拒绝签收，执法人员于${on}在文书上注明拒收事由和日期，将文书留置于当事人处，视为送达（留置送达；${proof}）`;
    }
    case 'electronic_with_consent':
      return `${later(r)}经当事人同意（${r.consent ?? ''}），以电子送达方式送至${r.address ?? ''}，于${zhDateTime(r.servedAt)}到达，视为送达`;
    case 'post':
      return `${later(r)}以邮寄送达方式送达（邮件号：${r.trackingNumber ?? ''}），回执签收日期${on}为送达日期`;
    case 'public_notice':
      return `${later(r)}因${r.reason ?? ''}，于${r.publishedOn ? zhDate(`${r.publishedOn}T12:00:00+08:00`) : ''}在${r.medium ?? ''}公告送达，自公告之日起经过三十日即${on}视为送达`;
  }
}

const later = (r: ServiceRecord) => (r.recordedLater ? '当事人不在场，未当场送达；后' : '');

/** 送达方式 in Chinese (events, the ladder). */
export const methodZh = (m: ServiceMethod) => METHOD_ZH[m];

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);

/** A later service of a document not handed over on site. Which fields are required depends on the method. */
export const ServiceInput = z.strictObject({
  method: z.enum(LATER_METHODS),
  /** The enforcement case version the client read; stale → 409 stale_version. */
  version: z.number().int().positive(),
  /** post: the date on the return receipt (回执), YYYY-MM-DD in Shanghai. */
  receivedOn: z.iso.date().optional(),
  /** post: the registered-mail or courier number. */
  trackingNumber: text(60).optional(),
  /** electronic: when the document reached the party's system. */
  deliveredAt: z.iso.datetime({ offset: true }).optional(),
  /** electronic: the address or system it was sent to. */
  address: text(200).optional(),
  /** electronic: how the party consented to electronic service (e.g. a signed 送达地址确认书). */
  consent: text(500).optional(),
  /** public notice: the day it was published, YYYY-MM-DD. */
  publishedOn: z.iso.date().optional(),
  /** public notice: where it was published. */
  medium: text(200).optional(),
  /** public notice: why the party could not be served otherwise. */
  reason: text(500).optional(),
  note: text(2000).optional(),
});
export type ServiceInput = z.input<typeof ServiceInput>;
type ParsedService = z.output<typeof ServiceInput>;

const FIELDS_OF: Record<(typeof LATER_METHODS)[number], readonly (keyof ParsedService)[]> = {
  post: ['receivedOn', 'trackingNumber'],
  electronic_with_consent: ['deliveredAt', 'address', 'consent'],
  public_notice: ['publishedOn', 'medium', 'reason'],
};
const ALL_FIELDS = [...new Set(Object.values(FIELDS_OF).flat())];

/**
 * The service a later-service input records, checked against the document's issue and now: the
 * method's evidence present, nothing of another method, a date neither before the document was
 * issued nor in the future (a public notice counts as served thirty days after it was published).
 */
export function laterService(i: ParsedService, issuedAt: string, now: Date, by: { id: string; name: string }): ServiceRecord {
  for (const f of ALL_FIELDS) {
    if (i[f] !== undefined && !FIELDS_OF[i.method].includes(f)) throw invalidField(f, `not part of a ${i.method} service`);
  }
  const issuedDay = shanghaiDate(Date.parse(issuedAt));
  const today = shanghaiDate(now);
  const day = (field: string, d: string) => {
    if (d < issuedDay) throw invalidField(field, `before the document was issued (${issuedDay})`);
    if (d > today) throw invalidField(field, 'must not be in the future');
    return d;
  };
  const recordedLater = { by: by.id, byName: by.name, at: now.toISOString() };
  if (i.method === 'post') {
    if (!i.receivedOn) throw invalidField('receivedOn', 'required: the date on the return receipt');
    if (!i.trackingNumber) throw invalidField('trackingNumber', 'required: the registered-mail or courier number');
    const d = day('receivedOn', i.receivedOn);
    return { method: 'post', servedAt: new Date(shanghaiMidnight(d)).toISOString(), trackingNumber: i.trackingNumber, recordedLater };
  }
  if (i.method === 'electronic_with_consent') {
    if (!i.consent) throw invalidField('consent', 'required: electronic service needs the consent of the party');
    if (!i.address) throw invalidField('address', 'required: the address or system the document was sent to');
    if (!i.deliveredAt) throw invalidField('deliveredAt', 'required: when the document reached the system of the party');
    const at = Date.parse(i.deliveredAt);
    if (at < Date.parse(issuedAt)) throw invalidField('deliveredAt', `before the document was issued (${issuedDay})`);
    if (at > now.getTime()) throw invalidField('deliveredAt', 'must not be in the future');
    return { method: 'electronic_with_consent', servedAt: new Date(at).toISOString(), consent: i.consent, address: i.address, recordedLater };
  }
  if (!i.publishedOn) throw invalidField('publishedOn', 'required: the day the notice was published');
  if (!i.medium) throw invalidField('medium', 'required: where the notice was published');
  if (!i.reason) throw invalidField('reason', 'required: public notice only when the party cannot be found or other ways failed; say why');
  const d = day('publishedOn', i.publishedOn);
  const served = addDays(d, PUBLIC_NOTICE_DAYS);
  return { method: 'public_notice', servedAt: new Date(shanghaiMidnight(served)).toISOString(), publishedOn: d, medium: i.medium, reason: i.reason, recordedLater };
}

/** The on-site service of a step's document from its acknowledgement ('absent': none — not served). */
export function onSiteService(acknowledgement: 'signed' | 'refused' | 'absent' | undefined, refusal: { witness?: string; photoIds: string[] } | undefined, at: string): ServiceRecord | null {
  if (acknowledgement === 'absent') return null;
  if (acknowledgement === 'refused') {
    if (!refusal || (!refusal.witness && !refusal.photoIds.length)) {
      throw invalidField('refusal', 'left on refusal (留置送达) needs a witness or photos recording the service');
    }
    return { method: 'left_on_refusal', servedAt: at, witness: refusal.witness ?? null, photoIds: refusal.photoIds };
  }
  if (refusal) throw invalidField('refusal', 'recorded only when the party refuses to sign');
  // Signed, or (clients before service was kept) not said: handed over and signed for.
  return { method: 'direct', servedAt: at };
}

/** The party's periods a served document starts, as the ladder's columns and the document's dates. */
export interface StartedPeriods {
  statementEndsAt?: string;
  hearingRequestEndsAt?: string | null;
  paymentDueAt?: string;
  deadlineAt?: string;
}

/**
 * The periods a document served at `servedAt` starts: the statement and defence period and (where
 * the fine reaches the threshold) the hearing-request period of a prior notice, in working days;
 * the payment period of a decision, in calendar days (a last day on a rest day moves to the next
 * working day, periods.ts). A rectification order or notice served after it was issued keeps the
 * working time it gave, counted from service, never ending before the deadline it states.
 */
export async function startPeriods(
  trx: Db,
  ec: Pick<EnforcementCaseTable, 'subdistrict_id' | 'hearing_eligible'>,
  step: Pick<EnforcementStepTable, 'kind' | 'at' | 'deadline_at'>,
  servedAt: string,
  days: { statement: number; hearingRequest: number; payment: number },
): Promise<StartedPeriods> {
  const served = new Date(servedAt);
  if (step.kind === 'prior_notice') {
    const statement = await periodEnd(trx, ec.subdistrict_id, served, days.statement, 'working');
    const hearing = ec.hearing_eligible === 1 ? await periodEnd(trx, ec.subdistrict_id, served, days.hearingRequest, 'working') : null;
    return { statementEndsAt: statement.toISOString(), hearingRequestEndsAt: hearing?.toISOString() ?? null };
  }
  if (step.kind === 'decision') return { paymentDueAt: (await periodEnd(trx, ec.subdistrict_id, served, days.payment, 'calendar')).toISOString() };
  if ((step.kind === 'order' || step.kind === 'notice') && step.deadline_at) {
    if (servedAt <= step.at) return { deadlineAt: step.deadline_at };
    const opts = { subdistrictId: ec.subdistrict_id };
    const leftMs = await remainingLimitMs(trx, new Date(step.at), new Date(step.deadline_at), 'working', opts);
    // As for every period, the day of service does not count: the working time runs from the next day.
    const nextDay = new Date(shanghaiMidnight(addDays(shanghaiDate(served), 1)));
    const from = (await computeDueAt(trx, nextDay, leftMs / 3600_000, 'working', opts)).getTime();
    return { deadlineAt: new Date(Math.max(from, Date.parse(step.deadline_at))).toISOString() };
  }
  return {};
}

/** The step waiting on a period of a document not yet served is refused, naming the reason. */
export function notServed(unservedStepId: string, field: string, reason: string) {
  return new DomainError('document_not_served', `The party has not been served the document; its periods have not started (${reason}). Record its service first.`, {
    fields: [{ field, reason }], stepId: unservedStepId,
  });
}
