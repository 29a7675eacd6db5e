import '../../shared/i18n/console';
import './inbox.css';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError, request } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { formatTime, subdistrictName } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { useKeysetList } from '../../shared/use-keyset-list';

type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
const STATUSES: DeliveryStatus[] = ['failed', 'pending', 'sending', 'sent', 'skipped'];
interface Webhook { subdistrictId: string; url: string; enabled: boolean; language: 'zh' | 'en'; updatedAt: string }
interface Delivery {
  id: string; notificationId: string; subdistrictId: string; title: string; status: DeliveryStatus; attempts: number;
  nextAttemptAt: string; lastError: string | null; sentAt: string | null; createdAt: string;
}

/** The subdistrict's WeCom robot URL (shown masked; the key never comes back). */
function RobotCard({ subdistrictId }: { subdistrictId: string }) {
  const { t, i18n } = useTranslation();
  const hook = useApi(() => api.get<{ webhook: Webhook | null }>(`/api/notifications/webhooks/${encodeURIComponent(subdistrictId)}`), [subdistrictId]);
  const [url, setUrl] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [language, setLanguage] = useState<'zh' | 'en'>('zh');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setEnabled(hook.data?.webhook?.enabled ?? true), [hook.data]);
  useEffect(() => setLanguage(hook.data?.webhook?.language ?? 'zh'), [hook.data]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setMsg(null);
    try {
      await request('PUT', `/api/notifications/webhooks/${encodeURIComponent(subdistrictId)}`, { url: url.trim(), enabled, language });
      setUrl('');
      setMsg({ ok: true, text: t('console.webhook.saved') });
      hook.reload();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setMsg({ ok: false, text: errorText(t, err) });
    }
  }
  async function remove() {
    setMsg(null);
    try {
      await request('DELETE', `/api/notifications/webhooks/${encodeURIComponent(subdistrictId)}`);
      setMsg({ ok: true, text: t('console.webhook.removed') });
      hook.reload();
    } catch (err) {
      setMsg({ ok: false, text: errorText(t, err) });
    }
  }
  const w = hook.data?.webhook;
  return (
    <div className="card stack-gap" data-testid="robot-card">
      <p>
        {t('console.webhook.current')}：{' '}
        <span data-testid="robot-current">{w ? <code>{w.url}</code> : t('console.webhook.noneSet')}</span>
        {w ? <small className="muted"> · {w.enabled ? t('console.webhook.enabled') : '—'} · {formatTime(w.updatedAt, i18n.language)}</small> : null}
      </p>
      <form className="webhook-form" onSubmit={save}>
        <Field label={t('console.webhook.url')} name="url" errors={errors}>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" data-testid="robot-url" />
        </Field>
        <label>
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="robot-enabled" /> {t('console.webhook.enabled')}
        </label>
        <label>
          {t('console.webhook.language')}{' '}
          <select value={language} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'zh')} data-testid="robot-language">
            <option value="zh">{t('console.webhook.languages.zh')}</option>
            <option value="en">{t('console.webhook.languages.en')}</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary" data-testid="robot-save">{t('console.webhook.save')}</button>
        {w ? <button type="button" className="btn btn-danger" onClick={() => void remove()} data-testid="robot-remove">{t('console.webhook.remove')}</button> : null}
      </form>
      {msg ? <p className={`alert ${msg.ok ? 'alert-ok' : 'alert-error'}`} data-testid="robot-msg">{msg.text}</p> : null}
    </div>
  );
}

/** The delivery log of my subdistricts, failed first, with "send again" for failed rows. */
function DeliveryLog() {
  const { t, i18n } = useTranslation();
  const { places } = useMe();
  const [status, setStatus] = useState<DeliveryStatus | ''>('failed');
  const [info, setInfo] = useState('');
  const { items, cursor, loading, error, setError, reload, loadMore } = useKeysetList<Delivery>(
    (after) => api.get<{ items: Delivery[]; nextCursor: string | null }>('/api/notifications/deliveries', { status: status || undefined, after, limit: 50 }),
    [status],
  );
  async function retry(id: string) {
    setInfo('');
    try {
      await api.post(`/api/notifications/deliveries/${encodeURIComponent(id)}/retry`);
      setInfo(t('console.webhook.retried'));
      reload();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <>
      <h2>{t('console.webhook.deliveries')}</h2>
      <div className="filters">
        <label className="field">
          <span>{t('console.webhook.status')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')} data-testid="delivery-status">
            <option value="">{t('console.webhook.any')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`console.webhook.statuses.${s}`)}</option>)}
          </select>
        </label>
      </div>
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {info ? <p className="alert alert-ok" data-testid="delivery-info">{info}</p> : null}
      <table className="table" data-testid="delivery-table">
        <thead>
          <tr>
            <th>{t('console.webhook.created')}</th><th>{t('console.webhook.subdistrict')}</th><th>{t('console.webhook.title2')}</th><th>{t('console.webhook.status')}</th>
            <th>{t('console.webhook.attempts')}</th><th>{t('console.webhook.lastError')}</th><th>{t('console.webhook.sentAt')}</th><th />
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-testid="delivery-row" data-id={d.id} data-status={d.status}>
              <td>{formatTime(d.createdAt, i18n.language)}</td>
              <td>{subdistrictName(places, d.subdistrictId, i18n.language)}</td>
              <td>{d.title}</td>
              <td>{t(`console.webhook.statuses.${d.status}`)}</td>
              <td>{d.attempts}</td>
              <td className="error-cell">{d.lastError ?? ''}</td>
              <td>{formatTime(d.sentAt, i18n.language)}</td>
              <td>{d.status === 'failed' ? <button type="button" className="btn btn-small" onClick={() => void retry(d.id)} data-testid="delivery-retry">{t('console.webhook.retry')}</button> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && !items.length ? <p className="muted" data-testid="delivery-empty">{t('console.webhook.empty')}</p> : null}
      {cursor && !loading ? <button type="button" className="btn btn-ghost" onClick={loadMore}>{t('console.webhook.loadMore')}</button> : null}
    </>
  );
}

/** Administrators: the WeCom / 政务微信 robot of their subdistrict and the delivery log with failures. */
export function NotificationsAdminPage() {
  const { t, i18n } = useTranslation();
  const { places, user } = useMe();
  // Only subdistricts the administrator fully holds can have their robot changed.
  const owned = places.subdistricts.filter((s) => user.scope.some((sc) => sc.subdistrictId === s.id && !sc.committeeId));
  const [subdistrictId, setSubdistrictId] = useState(owned[0]?.id ?? '');
  return (
    <section data-testid="notifications-page">
      <div className="page-head">
        <h1>{t('console.webhook.title')}</h1>
      </div>
      <p className="muted">{t('console.webhook.hint')}</p>
      {owned.length > 1 ? (
        <label className="field">
          <span>{t('console.webhook.subdistrict')}</span>
          <select value={subdistrictId} onChange={(e) => setSubdistrictId(e.target.value)} data-testid="robot-subdistrict">
            {owned.map((s) => <option key={s.id} value={s.id}>{i18n.language === 'en' ? s.nameEn : s.name}</option>)}
          </select>
        </label>
      ) : null}
      {subdistrictId ? <RobotCard key={subdistrictId} subdistrictId={subdistrictId} /> : null}
      <DeliveryLog />
    </section>
  );
}
