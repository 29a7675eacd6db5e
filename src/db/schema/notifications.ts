/** Working-day calendar overrides, notifications (inbox items) and the WeCom webhook outbox. */
import type { Generated } from 'kysely';

export const CALENDAR_OVERRIDE_KINDS = ['workday', 'holiday'] as const;
export type CalendarOverrideKind = (typeof CALENDAR_OVERRIDE_KINDS)[number];

/** A correction to the working-day calendar; subdistrict_id null = everywhere. */
export interface CalendarOverrideTable {
  id: string;
  subdistrict_id: string | null;
  /** 'YYYY-MM-DD', Asia/Shanghai calendar date */
  date: string;
  kind: CalendarOverrideKind;
  note: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The calendar package's arrangement of a year as deadlines were last computed on it (domain/calendar/package-sync.ts). */
export interface CalendarPackageYearTable {
  year: number;
  /** JSON array of 'YYYY-MM-DD:holiday' | 'YYYY-MM-DD:workday': the days that differ from plain Monday–Friday */
  days: string;
  recorded_at: string;
}

export interface NotificationTable {
  id: string;
  subdistrict_id: string;
  kind: string;
  /** The notice in Chinese: rows from before message keys show it; so does any reader of an unknown key. */
  title: string;
  body: string;
  /** The notice language-neutrally (src/domain/notifications/messages.ts); null on older rows. */
  message_key: string | null;
  /** JSON object of the message's parameters. */
  params: string | null;
  case_id: string | null;
  dedupe_key: string | null;
  created_at: string;
}

export interface InboxItemTable {
  id: string;
  notification_id: string;
  user_id: string;
  created_at: string;
  read_at: string | null;
}

export interface NotificationWebhookTable {
  id: string;
  subdistrict_id: string;
  url: string;
  enabled: number;
  /** The language the robot posts in (its group's); 'zh' unless chosen. */
  language: Generated<NoticeLanguage>;
  created_at: string;
  updated_at: string;
}

export const NOTICE_LANGUAGES = ['zh', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Webhook outbox row; url null = the global WECOM_WEBHOOK_URL at delivery time. */
export interface WebhookDeliveryTable {
  id: string;
  notification_id: string;
  subdistrict_id: string;
  url: string | null;
  /** JSON body exactly as POSTed to the robot */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  claim_token: string | null;
  claimed_until: string | null;
  last_error: string | null;
  /** HTTP status of the last answer (null: none). */
  response_code: number | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}
