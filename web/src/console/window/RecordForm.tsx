import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import type { CatalogueItem, ServiceRecord, Ticket } from './types';

type Receipt = { received: boolean; deferred: boolean };
type Assist = 'none' | 'assist' | 'proxy';

/**
 * The 办件 of the person at the window, through the records API: the item and the guide version
 * in effect (the server fixes it on the record), the applicant (the ID number is shown masked once
 * accepted), the materials checklist with 容缺 where the guide allows it, 帮办/代办, then the result:
 * 办结 (with delivery), 收受分离's hand-off, 不予受理 or 退件 with a reason.
 */
export function RecordForm({ pointId, ticket, items, applicantName, initialRecord = null, switching = false, onSwitchItem, onRecorded, onDecided }: {
  pointId: string;
  ticket: Ticket;
  items: CatalogueItem[];
  applicantName: string;
  /** The record already made for this ticket (read back after a reload): shown to be stepped, not recorded again. */
  initialRecord?: ServiceRecord | null;
  /** A switch of the ticket's item is under way (the choice waits for it). */
  switching?: boolean;
  /**
   * Another item chosen: the ticket is switched to it (改办), as the server records only the
   * ticket's own item; what was typed stays, the materials checklist follows the new item.
   */
  onSwitchItem: (itemId: string) => void;
  onRecorded: (record: ServiceRecord, ratingToken: string, ratingWindowDays: number) => void;
  onDecided: (record: ServiceRecord) => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const itemId = ticket.itemId;
  const item = items.find((i) => i.id === itemId)?.current ?? null;
  const [name, setName] = useState(applicantName);
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [assist, setAssist] = useState<Assist>('none');
  const [agentName, setAgentName] = useState('');
  const [agentId, setAgentId] = useState('');
  const [authRef, setAuthRef] = useState('');
  const [receipts, setReceipts] = useState<Receipt[]>([]);
  const [record, setRecord] = useState<ServiceRecord | null>(initialRecord);
  const [delivery, setDelivery] = useState<'on_site' | 'post' | 'electronic'>('on_site');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => setReceipts((item?.materials ?? []).map(() => ({ received: false, deferred: false }))), [item]);

  const missing = !item ? 'needItem' : !name.trim() ? 'needName' : !idNumber.trim() ? 'needId'
    : assist === 'proxy' && (!agentName.trim() || !agentId.trim() || !authRef.trim()) ? 'needAgent' : '';

  async function accept(e: FormEvent) {
    e.preventDefault();
    if (missing) return;
    setBusy(true);
    setError('');
    try {
      const out = await api.post<{ record: ServiceRecord; ratingToken: string; ratingWindowDays: number }>('/api/services/records', {
        pointId, itemId, ticketId: ticket.id, appointmentId: ticket.appointmentId,
        applicant: { name: name.trim(), idNumber: idNumber.trim(), phone: phone.trim() || null },
        assistRole: assist,
        agent: assist === 'proxy' ? { name: agentName.trim(), idNumber: agentId.trim(), phone: null } : null,
        authorizationRef: assist === 'proxy' ? authRef.trim() : null,
        materials: receipts.map((r, index) => ({ index, received: r.received, deferred: r.deferred })).filter((r) => r.received || r.deferred),
      });
      setIdNumber('');
      setAgentId('');
      setRecord(out.record);
      onRecorded(out.record, out.ratingToken, out.ratingWindowDays);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function step(action: 'complete' | 'hand_off' | 'not_accept' | 'send_back') {
    if (!record) return;
    setBusy(true);
    setError('');
    try {
      const body: Record<string, unknown> = { version: record.version, action };
      if (action === 'complete') body.delivery = delivery;
      if (reason.trim()) body.reason = reason.trim();
      const next = await api.post<ServiceRecord>(`/api/services/records/${record.id}/steps`, body);
      setRecord(next);
      if (next.status !== 'accepted') onDecided(next);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  if (record) {
    const open = record.status === 'accepted';
    return (
      <section className="win-record" data-testid="record" data-status={record.status} data-number={record.number}>
        <h3>{t('ywWin.record.accepted', { number: record.number })}</h3>
        <p>
          <span className="badge">{t(`ywWin.record.status.${record.status}`)}</span>{' '}
          {record.applicant.name} · <span data-testid="record-id-masked">{t('ywWin.record.masked', { id: record.applicant.idNumber })}</span> ·{' '}
          {t('ywWin.record.due', { due: formatTime(record.dueAt, i18n.language) })}
        </p>
        {record.status === 'handed_off' ? <p className="hint">{t('ywWin.record.handedOff')}</p> : null}
        {open ? (
          <div className="win-result">
            <h4>{t('ywWin.record.result')}</h4>
            {record.mode === 'direct' ? (
              <div className="win-row">
                <label className="field">
                  <span>{t('ywWin.record.delivery')}</span>
                  <select value={delivery} onChange={(e) => setDelivery(e.target.value as typeof delivery)} data-testid="record-delivery">
                    {(['on_site', 'post', 'electronic'] as const).map((d) => <option key={d} value={d}>{t(`ywWin.record.deliveries.${d}`)}</option>)}
                  </select>
                </label>
                <button type="button" className="btn btn-primary win-big" disabled={busy} onClick={() => void step('complete')} data-testid="record-complete">{t('ywWin.record.complete')}</button>
              </div>
            ) : (
              <button type="button" className="btn btn-primary win-big" disabled={busy} onClick={() => void step('hand_off')} data-testid="record-hand-off">{t('ywWin.record.handOff')}</button>
            )}
            <label className="field">
              <span>{record.deferredCount > 0 ? t('ywWin.record.deferredReason') : t('ywWin.record.reason')}</span>
              <input type="text" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="record-reason" />
            </label>
            <div className="win-row">
              <button type="button" className="btn win-big" disabled={busy || !reason.trim()} onClick={() => void step('not_accept')} data-testid="record-not-accept">{t('ywWin.record.notAccept')}</button>
              <button type="button" className="btn win-big" disabled={busy || !reason.trim()} onClick={() => void step('send_back')} data-testid="record-send-back">{t('ywWin.record.sendBack')}</button>
            </div>
            {!reason.trim() ? <small className="why-disabled" data-testid="record-reason-why">{t('ywWin.record.needReason')}</small> : null}
          </div>
        ) : null}
        {error ? <p className="alert alert-error" role="alert">{error}</p> : null}
      </section>
    );
  }

  return (
    <form className="win-record" onSubmit={(e) => void accept(e)} noValidate data-testid="record-form">
      <h3>{t('ywWin.record.title')}</h3>
      <label className="field">
        <span>{t('ywWin.record.item')}</span>
        <select value={itemId} disabled={switching || busy} onChange={(e) => { if (e.target.value !== itemId) onSwitchItem(e.target.value); }} data-testid="record-item">
          {items.map((i) => <option key={i.id} value={i.id}>{en && i.current?.nameEn ? i.current.nameEn : i.current?.nameZh}</option>)}
        </select>
        {item ? (
          <span className="hint" data-testid="record-version">
            {t('ywWin.record.version', { version: item.version, from: item.effectiveFrom })} · {t(`ywWin.record.mode.${item.mode}`)} · {t('ywWin.record.limit')}{' '}
            {item.promisedLimitDays === 0 ? t('ywWin.record.limitNow') : t('ywWin.record.limitDays', { count: item.promisedLimitDays })}
          </span>
        ) : null}
      </label>
      <fieldset className="win-fieldset">
        <legend>{t('ywWin.record.applicant')}</legend>
        <div className="win-row">
          <label className="field"><span>{t('ywWin.record.name')}</span><input type="text" value={name} maxLength={60} onChange={(e) => setName(e.target.value)} data-testid="record-name" /></label>
          <label className="field"><span>{t('ywWin.record.idNumber')}</span><input type="text" autoComplete="off" value={idNumber} maxLength={30} onChange={(e) => setIdNumber(e.target.value)} data-testid="record-id" /></label>
          <label className="field"><span>{t('ywWin.record.phone')}</span><input type="text" inputMode="tel" value={phone} maxLength={20} onChange={(e) => setPhone(e.target.value)} data-testid="record-phone" /></label>
        </div>
        <div className="win-seg" role="radiogroup" aria-label={t('ywWin.record.assist')}>
          {(['none', 'assist', 'proxy'] as const).filter((a) => a === 'none' || (a === 'assist' ? item?.assistAllowed : item?.proxyAllowed)).map((a) => (
            <button key={a} type="button" role="radio" aria-checked={assist === a} className={`btn win-big ${assist === a ? 'btn-primary' : ''}`} onClick={() => setAssist(a)} data-testid={`record-assist-${a}`}>
              {t(`ywWin.record.assistRole.${a}`)}
            </button>
          ))}
        </div>
        {assist === 'proxy' ? (
          <div className="win-row">
            <label className="field"><span>{t('ywWin.record.agent')}</span><input type="text" value={agentName} maxLength={60} onChange={(e) => setAgentName(e.target.value)} /></label>
            <label className="field"><span>{t('ywWin.record.idNumber')}</span><input type="text" autoComplete="off" value={agentId} maxLength={30} onChange={(e) => setAgentId(e.target.value)} /></label>
            <label className="field"><span>{t('ywWin.record.authorizationRef')}</span><input type="text" value={authRef} maxLength={100} onChange={(e) => setAuthRef(e.target.value)} /></label>
          </div>
        ) : null}
      </fieldset>
      <fieldset className="win-fieldset" data-testid="record-materials">
        <legend>{t('ywWin.record.materials')}</legend>
        {!item || item.materials.length === 0 ? <p className="hint">{t('ywWin.record.noMaterials')}</p> : null}
        {item?.materials.map((m, i) => {
          const r = receipts[i] ?? { received: false, deferred: false };
          const set = (next: Receipt) => setReceipts((all) => all.map((x, j) => (j === i ? next : x)));
          return (
            <div key={i} className="win-material" data-testid="material" data-deferrable={String(m.deferrable)}>
              <span className="win-material-name">{m.name}{m.eLicenceExempt ? <span className="hint"> · {t('ywWin.record.exempt')}</span> : null}</span>
              <label className="win-check"><input type="checkbox" checked={r.received} onChange={(e) => set({ received: e.target.checked, deferred: false })} data-testid="material-received" /> {t('ywWin.record.received')}</label>
              {m.deferrable ? (
                <label className="win-check"><input type="checkbox" checked={r.deferred} onChange={(e) => set({ received: false, deferred: e.target.checked })} data-testid="material-deferred" /> {t('ywWin.record.deferred')}</label>
              ) : null}
            </div>
          );
        })}
      </fieldset>
      {error ? <p className="alert alert-error" role="alert" data-testid="record-error">{error}</p> : null}
      <button type="submit" className="btn btn-primary win-big" disabled={busy || !!missing} data-testid="record-submit">{busy ? t('ywWin.record.sending') : t('ywWin.record.submit')}</button>
      {missing ? <span className="why-disabled">{t(`ywWin.record.${missing}`)}</span> : null}
    </form>
  );
}
