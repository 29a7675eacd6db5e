import '../../shared/i18n/console';
import '../inbox/inbox.css';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError, request } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { useAuth } from '../../shared/auth';

const SCOPES = ['read', 'field', 'integration', 'admin'] as const;
type Scope = (typeof SCOPES)[number];
interface Token { id: string; name: string; created_at: string; expires_at: string | null; revoked_at: string | null; last_used_at: string | null; scopes: Scope[] }

/** My API tokens for integrations (cameras, IoT gateways): create (the secret is shown once), list, revoke. */
export function TokensPage() {
  const { t, i18n } = useTranslation();
  const { can, me } = useAuth();
  const lang = i18n.language;
  // The lifetime is one setting for every subdistrict: only a district-level administrator (no home subdistrict) changes it.
  const districtLevel = (me?.user as { subdistrictId?: string | null } | undefined)?.subdistrictId === null;
  const list = useApi(() => api.get<{ items: Token[] }>('/api/me/tokens'), []);
  const [name, setName] = useState('');
  const [ttl, setTtl] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [secret, setSecret] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setSecret(null);
    setBusy(true);
    try {
      const r = await api.post<{ id: string; token: string }>('/api/me/tokens', { name: name.trim(), scopes, ...(ttl ? { ttlDays: Number(ttl) } : {}) });
      setSecret(r.token);
      setName('');
      setTtl('');
      setScopes(['read']);
      list.reload();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }
  async function revoke(id: string) {
    setError(null);
    try {
      await request('DELETE', `/api/me/tokens/${encodeURIComponent(id)}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section data-testid="tokens-page">
      <div className="page-head">
        <h1>{t('console.tokens.title')}</h1>
      </div>
      <p className="muted">{t('console.tokens.hint')}</p>
      <form className="card webhook-form stack-gap" onSubmit={create}>
        <Field label={t('console.tokens.name')} name="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="token-name" />
        </Field>
        <Field label={t('console.tokens.expires')} name="ttlDays" errors={errors}>
          <input type="number" min={1} max={3650} value={ttl} onChange={(e) => setTtl(e.target.value)} data-testid="token-ttl" />
        </Field>
        <Field label={t('console.tokens.scopes')} name="scopes" errors={errors}>
          <span className="stack-gap" data-testid="token-scopes">
            {SCOPES.map((s) => (
              <label key={s} className="inline-check">
                <input
                  type="checkbox"
                  checked={scopes.includes(s)}
                  onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
                  data-testid={`token-scope-${s}`}
                />{' '}
                {t(`console.tokens.scope.${s}`)}
              </label>
            ))}
          </span>
        </Field>
        <p className="muted">{t('console.tokens.scopeHint')}</p>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="token-create">{t('console.tokens.create')}</button>
      </form>
      {secret ? (
        <div className="alert alert-ok" data-testid="token-secret-box">
          <p>{t('console.tokens.created')}</p>
          <code data-testid="token-secret">{secret}</code>{' '}
          <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(secret)}>{t('console.tokens.copy')}</button>
        </div>
      ) : null}
      {error && !errors.length ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      <table className="table" data-testid="token-table">
        <thead>
          <tr>
            <th>{t('console.tokens.name')}</th><th>{t('console.tokens.scopes')}</th><th>{t('console.tokens.createdAt')}</th><th>{t('console.tokens.expiresAt')}</th>
            <th>{t('console.tokens.lastUsed')}</th><th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((k) => (
            <tr key={k.id} data-testid="token-row" data-id={k.id} data-revoked={k.revoked_at ? 'true' : 'false'}>
              <td>{k.name}</td>
              <td data-col="scopes">{(k.scopes ?? []).map((s) => t(`console.tokens.scope.${s}`)).join('、')}</td>
              <td>{formatTime(k.created_at, lang)}</td>
              <td>{k.expires_at ? formatTime(k.expires_at, lang) : t('console.tokens.never')}</td>
              <td data-col="last-used">{k.last_used_at ? formatTime(k.last_used_at, lang) : t('console.tokens.never')}</td>
              <td>
                {k.revoked_at ? (
                  <span className="muted">{t('console.tokens.revoked')} {formatTime(k.revoked_at, lang)}</span>
                ) : (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => void revoke(k.id)} data-testid="token-revoke">{t('console.tokens.revoke')}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && !list.data.items.length ? <p className="muted">{t('console.tokens.empty')}</p> : null}
      {can('tokens.settings') && districtLevel ? <MaxLifetime /> : null}
    </section>
  );
}

/** Administrators: the longest lifetime any API token may have (a setting recorded in the audit log). */
function MaxLifetime() {
  const { t } = useTranslation();
  const current = useApi(() => api.get<{ maxDays: number }>('/api/settings/tokens'), []);
  const [days, setDays] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setSaved(null);
    try {
      const r = await request<{ maxDays: number }>('PUT', '/api/settings/tokens', { maxDays: Number(days || current.data?.maxDays) });
      setSaved(r.maxDays);
      current.reload();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    }
  }

  return (
    <form className="card webhook-form stack-gap" onSubmit={save} data-testid="token-max-form">
      <Field label={t('console.tokens.maxDays')} name="maxDays" errors={errors}>
        <input
          type="number" min={1} max={3650} required value={days || String(current.data?.maxDays ?? '')}
          onChange={(e) => setDays(e.target.value)} data-testid="token-max-days"
        />
      </Field>
      <p className="muted">{t('console.tokens.maxDaysHint')}</p>
      <button type="submit" className="btn" data-testid="token-max-save">{t('console.tokens.saveMax')}</button>
      {saved !== null ? <p className="alert alert-ok">{t('console.tokens.maxSaved', { days: saved })}</p> : null}
      {error && !errors.length ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
    </form>
  );
}
