/** Shapes of /api/open311/keys (mirrors src/domain/open311/keys.ts and webhooks.ts). */
export type KeyKind = 'open311' | 'hotline';
export type WebhookScope = 'own' | 'readable';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
export const DELIVERY_STATUSES: DeliveryStatus[] = ['failed', 'pending', 'sending', 'sent', 'skipped'];

export interface Open311Key {
  id: string;
  name: string;
  kind: KeyKind;
  keyPrefix: string;
  subdistrictIds: string[];
  ratePerMinute: number;
  webhookUrl: string | null;
  webhookScope: WebhookScope;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Delivery {
  id: string;
  serviceRequestId: string;
  updateId: string;
  eventStatus: string;
  eventDescription: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}
