import type { EnforcementDocKind } from '../../db/schema.js';
import type { ServiceRecord } from './service.js';

/** What a document says, frozen when issued; its canonical JSON is hashed and signed. */
export interface DocumentContent {
  kind: EnforcementDocKind;
  title: string;
  number: string;
  revision: number;
  supersedesNumber: string | null;
  correctionReason: string | null;
  agency: string;
  office: string;
  issuedAt: string;
  place: string | null;
  gps: { lng: number; lat: number } | null;
  caseNumber: string;
  enforcementCaseId: string;
  subject: {
    partyId: string;
    name: string;
    kind: string;
    contactName: string | null;
    contactPhone: string | null;
    siteName: string | null;
    address: string | null;
  };
  facts: string;
  legalBasis: {
    versionId: string;
    code: string;
    version: number;
    citation: string;
    dutyZh: string;
    penaltyZh: string;
  };
  education: boolean | null;
  deadlineAt: string | null;
  /** `repeatWindowDays`: the look-back of a repeat offence in force (documents issued before it carried it: one year). */
  fine: { amount: number; proposed: number; offence: 'first' | 'repeat'; priorViolations: number; legalMin: number; legalMax: number; reason: string | null; repeatWindowDays?: number } | null;
  paymentDueAt: string | null;
  /** The payment period in days the decision gives (documents issued before it carried it: fifteen). */
  paymentDays?: number;
  /** Signing officers with their law-enforcement certificate numbers (执法证号); documents issued before the field carried the username. */
  officers: { userId: string; name: string; certNumber?: string | null; username?: string }[];
  /** Prior notice: the proposed fine and the party's rights with their periods. */
  /**
   * Dates are null while the notice is not served (the party was absent): the periods run from
   * service, in the working days given (documents issued before the days were kept carry dates).
   */
  rights?: { proposedFine: number; statementEndsAt: string | null; hearingRight: boolean; hearingRequestEndsAt: string | null; statementDays?: number; hearingRequestDays?: number } | null;
  /** Decision: the prior notice it follows and how the party was heard. */
  procedure?: {
    priorNotice: { number: string; issuedAt: string; proposedFine: number };
    statement: 'statement' | 'waiver' | 'none';
    statementSummary: string | null;
    hearing: { heldAt: string; host: string; summary: string } | null;
    defence: 'adopted' | 'partly_adopted' | 'not_adopted' | null;
    defenceReason: string | null;
  } | null;
  acknowledgement: 'signed' | 'refused' | 'absent' | null;
  /**
   * How the document was served (送达), when it was: on site (direct, left on refusal with its
   * evidence), or — the party absent — by a later service, recorded in a new revision that states
   * the periods counted from it. Null: not served yet; absent on documents issued before it was kept.
   */
  service?: ServiceRecord | null;
  photos: { id: string; sha256: string }[];
  /**
   * 检查时间 of an on-site document (ON_SITE_KINDS): when the officers were there — the phone's
   * time of the step when believable (an outbox step arrives later), else the time it was
   * recorded. A correction keeps it. Null on office documents; absent on documents issued before
   * the field (they printed the issue time).
   */
  inspectedAt?: string | null;
  /**
   * The rungs the ladder actually went through before this notice, prior notice or decision, so
   * the document states only what happened: an order whose re-inspection failed, a notice whose
   * re-inspection failed; a repeat offender's notice without an order (the subdistrict's
   * shortcut) states the repeat offence instead. Absent on documents issued before the field.
   */
  course?: { orderFailed: boolean; noticeFailed: boolean; priorViolations: number; repeatWindowDays: number } | null;
  /** A corrected revision: the officer who issued the correction (its date is `issuedAt`). */
  correctedBy?: { userId: string; name: string; certNumber: string | null } | null;
}

/** Documents served on site, which state when and where the officers inspected. */
export const ON_SITE_KINDS: readonly EnforcementDocKind[] = ['order', 'notice'];

const TZ = 'Asia/Shanghai';

/** 2026年5月27日16时00分 (Asia/Shanghai). */
export function zhDateTime(iso: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日${p.hour}时${p.minute}分`;
}

export function zhDate(iso: string): string {
  return zhDateTime(iso).replace(/\d{2}时\d{2}分$/, '');
}

/** 500 → 伍佰元整 style is customary; we print digits with the RMB unit, plus 元整. */
export const yuan = (n: number) => `${n.toLocaleString('en-US')}元`;
