import type { EnforcementDocKind } from '../../db/schema.js';

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
  rights?: { proposedFine: number; statementEndsAt: string; hearingRight: boolean; hearingRequestEndsAt: string | null } | null;
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
  photos: { id: string; sha256: string }[];
}

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
