import '../../shared/i18n/outbox';
import './offline.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../shared/format';
import { amend, discard, retry, syncNow } from '../../shared/outbox/outbox';
import type { OutboxItem } from '../../shared/outbox/types';
import { TopBar } from '../TopBar';
import { useOnline, useOutboxView } from './use-outbox';
import type { TFunction } from 'i18next';
import { ApiError } from '../../shared/api';
import { errorText } from '../../shared/errors';

interface Geofence {
  distanceM?: number;
  accuracyM?: number;
  radiusM?: number;
}

/** A queued GPS check-in the server found off-site: the person adds the reason here and it is sent again. */
function OffSiteFix({ item }: { item: OutboxItem }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const fence = (item.lastError?.details as { geofence?: Geofence } | undefined)?.geofence;
  return (
    <div className="m-card-fix" data-testid="outbox-offsite-fix">
      <p className="m-notice">
        {t('outbox.fixOffSite')}
        {fence?.distanceM != null ? ` ${t('outbox.offSiteDistance', { distance: fence.distanceM, accuracy: fence.accuracyM, radius: fence.radiusM })}` : ''}
      </p>
      <input className="m-input" data-testid="outbox-reason" aria-label={t('outbox.offSiteReason')} placeholder={t('outbox.offSiteReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button
        type="button"
        className="m-btn m-btn-primary m-btn-block"
        data-testid="outbox-reason-send"
        disabled={reason.trim().length < 2}
        onClick={() => void amend(item.seq as number, { offSiteReason: reason.trim() })}
      >
        {t('outbox.sendWithReason')}
      </button>
    </div>
  );
}

/** The server's refusal in the current language: the fields and their reasons, else the code's sentence. */
function outboxErrorText(t: TFunction, e: NonNullable<OutboxItem['lastError']>): string {
  const details = e.details && typeof e.details === 'object' ? e.details : {};
  return errorText(t, new ApiError(e.status, e.code, e.message, { ...details, ...(e.fields ? { fields: e.fields } : {}) }));
}

function ItemCard({ item, readOnly }: { item: OutboxItem; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const server = item.serverState as { status?: string } | null;
  return (
    <li className="m-card" data-testid={`outbox-item-${item.state}`} data-key={item.key}>
      <strong>{item.label}</strong>
      <small className="hint">
        {t('outbox.captured', { time: formatTime(item.capturedAt, i18n.language) })}
        {item.photos.length ? ` · ${t('outbox.photos', { n: item.photos.length })}` : ''}
        {item.attempts ? ` · ${t('outbox.attempts', { n: item.attempts })}` : ''}
      </small>
      {item.lastError && item.state !== 'pending' ? (
        <p className="alert alert-error" data-testid="outbox-error" data-code={item.lastError.code}>
          {outboxErrorText(t, item.lastError)}
        </p>
      ) : null}
      {!readOnly && item.state === 'attention' && item.lastError?.fields?.[0]?.field === 'offSiteReason' ? <OffSiteFix item={item} /> : null}
      {server?.status ? <p className="m-notice" data-testid="outbox-server-state">{t('outbox.serverState', { status: t(`outbox.status.${server.status}`, { defaultValue: server.status }) })}</p> : null}
      {!readOnly && item.state !== 'pending' ? (
        <div className="m-row">
          {item.state === 'attention' ? (
            <button type="button" className="m-btn" onClick={() => retry(item.seq as number)}>{t('outbox.retry')}</button>
          ) : null}
          <button type="button" className="m-btn" data-testid="outbox-discard" onClick={() => { if (window.confirm(t('outbox.discardConfirm'))) void discard(item.seq as number); }}>{t('outbox.discard')}</button>
        </div>
      ) : null}
    </li>
  );
}

/**
 * 待发送: what waits on the phone, what conflicted and what needs attention — with the rule. Only
 * the signed-in person's actions; signed out (or the server out of reach), the last signed-in
 * person's, read-only (shared/outbox/owner.ts).
 */
export function OutboxPage() {
  const { t } = useTranslation();
  const { items, others, readOnly, hidden, ownerName } = useOutboxView();
  const online = useOnline();
  const groups: [OutboxItem['state'], string][] = [['conflict', 'outbox.conflicts'], ['attention', 'outbox.attention'], ['pending', 'outbox.pending']];
  return (
    <div className="m-page">
      <TopBar title={t('outbox.title')} />
      {hidden && items.length ? (
        <div className="alert alert-info" data-testid="outbox-hidden" data-n={items.length}>
          <p>{t('outbox.owner.waiting', { n: items.length, name: ownerName ?? '' })}</p>
          <p>{t('outbox.owner.signInToSend', { name: ownerName ?? '' })}</p>
        </div>
      ) : readOnly && items.length ? (
        <p className="alert alert-info" data-testid="outbox-readonly">{t('outbox.owner.readOnly', { name: ownerName ?? '' })}</p>
      ) : null}
      {!items.length ? <p className="m-notice" data-testid="outbox-empty">{t('outbox.empty')}</p> : null}
      {hidden ? null : groups.map(([state, label]) => {
        const list = items.filter((i) => i.state === state);
        if (!list.length) return null;
        return (
          <section key={state} data-testid={`outbox-${state}`}>
            <h3>{t(label)} ({list.length})</h3>
            <ul className="m-list">{list.map((i) => <ItemCard key={i.seq} item={i} readOnly={readOnly} />)}</ul>
          </section>
        );
      })}
      {others ? <p className="m-notice" data-testid="outbox-others" data-n={others}>{t('outbox.owner.others', { n: others })}</p> : null}
      {!readOnly && items.some((i) => i.state === 'pending') ? (
        <button type="button" className="m-btn m-btn-primary m-btn-block" disabled={!online} data-testid="outbox-send" onClick={() => void syncNow(true)}>
          {t('outbox.sendNow')}
        </button>
      ) : null}
      <p className="hint" data-testid="outbox-rule">{t('outbox.rule')}</p>
    </div>
  );
}
