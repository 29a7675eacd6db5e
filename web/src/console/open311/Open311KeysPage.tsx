import '../../shared/i18n/open311-admin';
import '../inbox/inbox.css';
import './open311.css';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { DeliveryLog } from './DeliveryLog';
import { KeyForm, type KeyFormValue } from './KeyForm';
import { SecretBox } from './SecretBox';
import type { Open311Key } from './types';

type Shown = { title: string; items: { label: string; value: string; testId: string }[] };
type Issued = Open311Key & { key: string; webhookSecret: string | null };

/**
 * Administrators: the Open311 integrations of their subdistricts — issue a key (shown once), change
 * its rate, subdistricts and webhook, rotate the webhook secret (shown once), revoke it, and read
 * each key's webhook delivery log with "retry now" for failed deliveries. Every change is audited
 * by the server.
 */
export function Open311KeysPage() {
  const { t, i18n } = useTranslation();
  const { places, user } = useMe();
  const owned = places.subdistricts.filter((s) => user.scope.some((sc) => sc.subdistrictId === s.id && !sc.committeeId));
  const list = useApi(() => api.get<{ items: Open311Key[] }>('/api/open311/keys'), []);
  const [shown, setShown] = useState<Shown | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const [info, setInfo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [formKey, setFormKey] = useState(0);

  const subName = (id: string) => {
    const s = places.subdistricts.find((x) => x.id === id);
    return s ? (i18n.language === 'en' ? s.nameEn : s.name) : id;
  };

  async function issue(v: KeyFormValue) {
    setInfo('');
    const r = await api.post<Issued>('/api/open311/keys', {
      name: v.name, kind: v.kind, subdistrictIds: v.subdistrictIds, ratePerMinute: v.ratePerMinute, webhookScope: v.webhookScope,
      ...(v.webhookUrl ? { webhookUrl: v.webhookUrl } : {}),
    });
    setShown({
      title: t('o311.issued'),
      items: [
        { label: t('o311.keyLabel'), value: r.key, testId: 'o311-new-key' },
        ...(r.webhookSecret ? [{ label: t('o311.secretLabel'), value: r.webhookSecret, testId: 'o311-new-secret' }] : []),
      ],
    });
    setFormKey((n) => n + 1);
    list.reload();
  }

  async function save(k: Open311Key, v: KeyFormValue) {
    setInfo('');
    const webhookUrl = v.webhookUrl ? v.webhookUrl : k.webhookUrl ? null : undefined;
    const r = await api.patch<Open311Key & { webhookSecret: string | null }>(`/api/open311/keys/${encodeURIComponent(k.id)}`, {
      name: v.name, subdistrictIds: v.subdistrictIds, ratePerMinute: v.ratePerMinute, webhookScope: v.webhookScope,
      ...(webhookUrl !== undefined && webhookUrl !== k.webhookUrl ? { webhookUrl } : {}),
    });
    if (r.webhookSecret) setShown({ title: t('o311.secretShown'), items: [{ label: t('o311.secretLabel'), value: r.webhookSecret, testId: 'o311-new-secret' }] });
    setEditing(null);
    setInfo(t('o311.saved'));
    list.reload();
  }

  async function act(fn: () => Promise<void>) {
    setError(null);
    setInfo('');
    try {
      await fn();
      list.reload();
    } catch (e) {
      setError(e);
    }
  }
  const revoke = (k: Open311Key) =>
    act(async () => {
      if (!window.confirm(t('o311.revokeConfirm', { name: k.name }))) return;
      await request('DELETE', `/api/open311/keys/${encodeURIComponent(k.id)}`);
    });
  const rotate = (k: Open311Key) =>
    act(async () => {
      if (!window.confirm(t('o311.rotateConfirm'))) return;
      const r = await api.post<{ webhookSecret: string }>(`/api/open311/keys/${encodeURIComponent(k.id)}/webhook-secret`);
      setShown({ title: t('o311.secretShown'), items: [{ label: t('o311.secretLabel'), value: r.webhookSecret, testId: 'o311-new-secret' }] });
    });

  const keys = list.data?.items ?? [];
  return (
    <section data-testid="open311-page">
      <div className="page-head">
        <h1>{t('o311.title')}</h1>
      </div>
      <p className="muted">{t('o311.hint')}</p>
      <KeyForm key={formKey} owned={owned} places={places} submitLabel={t('o311.issue')} onSubmit={issue} testId="o311-issue" />
      {shown ? <SecretBox title={shown.title} items={shown.items} onDismiss={() => setShown(null)} /> : null}
      {info ? <p className="alert alert-ok" data-testid="o311-info">{info}</p> : null}
      {error || list.error ? <p className="alert alert-error" data-testid="o311-error">{errorText(t, error ?? list.error)}</p> : null}
      <div className="o311-table-wrap">
        <table className="table" data-testid="o311-key-table">
          <thead>
            <tr>
              <th>{t('o311.name')}</th><th>{t('o311.prefix')}</th><th>{t('o311.kind')}</th><th>{t('o311.subdistricts')}</th><th>{t('o311.rate')}</th>
              <th>{t('o311.status')}</th><th>{t('o311.created')}</th><th>{t('o311.lastUsed')}</th><th>{t('o311.webhook')}</th><th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <Fragment key={k.id}>
                <tr data-testid="o311-key-row" data-id={k.id} data-revoked={k.revokedAt ? 'true' : 'false'}>
                  <td data-col="name">{k.name}</td>
                  <td><code>{k.keyPrefix}…</code></td>
                  <td data-col="kind">{t(`o311.kinds.${k.kind}`)}</td>
                  <td data-col="subdistricts">{k.subdistrictIds.map(subName).join('、')}</td>
                  <td data-col="rate">{k.ratePerMinute}</td>
                  <td data-col="status">{k.revokedAt ? t('o311.revokedAt', { at: formatStamp(k.revokedAt) }) : t('o311.active')}</td>
                  <td data-col="created">{formatStamp(k.createdAt)}</td>
                  <td data-col="last-used">{k.lastUsedAt ? formatStamp(k.lastUsedAt) : t('o311.never')}</td>
                  <td data-col="webhook">{k.webhookUrl ? <code style={{ wordBreak: 'break-all' }}>{k.webhookUrl}</code> : t('o311.noWebhook')}</td>
                  <td className="stack-gap">
                    <button type="button" className="btn btn-small" onClick={() => setLogOf(logOf === k.id ? null : k.id)} data-testid="o311-show-deliveries">
                      {logOf === k.id ? t('o311.hideDeliveries') : t('o311.deliveries')}
                    </button>
                    {k.revokedAt ? null : (
                      <>
                        <button type="button" className="btn btn-small" onClick={() => setEditing(editing === k.id ? null : k.id)} data-testid="o311-edit">{t('o311.edit')}</button>
                        {k.webhookUrl ? <button type="button" className="btn btn-small" onClick={() => void rotate(k)} data-testid="o311-rotate">{t('o311.rotate')}</button> : null}
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void revoke(k)} data-testid="o311-revoke">{t('o311.revoke')}</button>
                      </>
                    )}
                  </td>
                </tr>
                {editing === k.id ? (
                  <tr>
                    <td colSpan={10}>
                      <KeyForm initial={k} owned={owned} places={places} submitLabel={t('o311.save')} onSubmit={(v) => save(k, v)} onCancel={() => setEditing(null)} testId="o311-edit-form" />
                    </td>
                  </tr>
                ) : null}
                {logOf === k.id ? (
                  <tr>
                    <td colSpan={10}><DeliveryLog keyId={k.id} name={k.name} live={!k.revokedAt} /></td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && !keys.length ? <p className="muted">{t('o311.empty')}</p> : null}
    </section>
  );
}
