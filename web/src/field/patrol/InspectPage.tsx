import '../../shared/i18n/patrol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import type { Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { QueuedScreen } from '../offline/QueuedScreen';
import { TopBar } from '../TopBar';
import { PhotoInput } from './PhotoInput';
import { useWatchPosition } from './use-watch-position';

interface Item { id: string; code: string; text: string; textEn: string; photoRequiredOnFail: boolean }
interface Checklist { id: string; version: number; subdistrictId: string; siteKind: string; items: Item[] }
type Result = 'pass' | 'fail' | 'na';
interface Answer { result: Result; resolution?: 'fixed' | 'reported'; photoIds: string[]; afterPhotoIds: string[]; note?: string }
interface Recorded { id: string; outcome: 'pass' | 'fail'; failedCount: number; cases: { caseId: string; number: string; resolution: string }[]; grade: string; nextDueAt: string }

async function loadForm(siteId: string) {
  const site = await api.get<Site>(`/api/sites/${encodeURIComponent(siteId)}`);
  const list = await api.get<{ items: Checklist[] }>('/api/checklists', { siteKind: site.kind, subdistrictId: site.subdistrictId });
  const latest = list.items[0];
  const checklist = latest ? await api.get<Checklist>(`/api/checklists/${latest.id}`) : null;
  return { site, checklist };
}

/** The checklist form: pass / fail / n.a. per item; a failure is fixed now (after photo) or reported. */
export function InspectPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const form = useApi(() => loadForm(id), [id]);
  const gps = useWatchPosition();
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Recorded | null>(null);
  const [queued, setQueued] = useState(false);
  const set = (itemId: string, patch: Partial<Answer>) =>
    setAnswers((a) => ({ ...a, [itemId]: { photoIds: [], afterPhotoIds: [], result: 'pass', ...a[itemId], ...patch } }));

  async function submit(checklist: Checklist) {
    setBusy(true);
    setError('');
    try {
      const body = {
        siteId: id,
        checklistId: checklist.id,
        answers: checklist.items.map((it) => {
          const a = answers[it.id] ?? { result: 'pass' as Result, photoIds: [], afterPhotoIds: [] };
          return a.result === 'fail'
            ? { itemId: it.id, result: a.result, resolution: a.resolution, photoIds: a.photoIds, afterPhotoIds: a.resolution === 'fixed' ? a.afterPhotoIds : [], ...(a.note ? { note: a.note } : {}) }
            : { itemId: it.id, result: a.result };
        }),
        // Where it was recorded on the phone (the outbox adds when: rules.withCaptureTime).
        ...(gps.status === 'ok' ? { position: gps.fix } : {}),
      };
      // Offline or no answer: kept in the outbox (待发送) with its Idempotency-Key and sent later.
      const sent = await sendOrQueue<Recorded>({ label: `${t('patrol.inspect.title')} · ${form.data?.site.name ?? id}`, path: '/api/inspections', body, position: gps.status === 'ok' ? gps.fix : null });
      if (sent.queued) setQueued(true);
      else setDone(sent.value);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  if (queued) return <QueuedScreen title={t('patrol.inspect.title')} testId="inspect-queued" />;
  if (done) {
    return (
      <div className="m-page">
        <TopBar title={t('patrol.inspect.title')} />
        <p className="alert alert-ok" data-testid="inspect-done" data-outcome={done.outcome}>
          {t('patrol.inspect.done')} · {t('patrol.inspect.result', { outcome: t(`patrol.inspect.outcome.${done.outcome}`), failed: done.failedCount })}
        </p>
        <ul className="m-list" data-testid="inspect-cases">
          {done.cases.map((c) => (
            <li key={c.caseId} className="m-item" data-resolution={c.resolution}>
              {t('patrol.inspect.caseNo', { number: c.number })} · {t(`patrol.inspect.${c.resolution}`)}
            </li>
          ))}
        </ul>
        <p className="m-note">{t('patrol.inspect.gradeNow', { grade: t(`patrol.today.grade.${done.grade}`), due: formatTime(done.nextDueAt, i18n.language) })}</p>
        <Link className="m-btn m-btn-block" to="/today">{t('patrol.today.title')}</Link>
      </div>
    );
  }
  const checklist = form.data?.checklist;
  return (
    <div className="m-page">
      <TopBar title={t('patrol.inspect.title')} />
      {form.error ? <p className="alert alert-error">{errorText(t, form.error)}</p> : null}
      {form.data ? <h2 data-testid="inspect-site">{form.data.site.name}</h2> : null}
      {checklist ? <p className="m-note">{t('patrol.inspect.version', { v: checklist.version })}</p> : null}
      {checklist?.items.map((it) => {
        const a = answers[it.id] ?? { result: 'pass', photoIds: [], afterPhotoIds: [] };
        return (
          <div key={it.id} role="group" aria-label={en ? it.textEn : it.text} className="card" data-testid={`item-${it.code}`} style={{ marginBottom: 8 }}>
            <strong style={{ display: 'block', marginBottom: 6 }}>{en ? it.textEn : it.text}</strong>
            {(['pass', 'fail', 'na'] as const).map((r) => (
              <label key={r} style={{ marginRight: 12 }}>
                <input type="radio" name={`r-${it.id}`} value={r} checked={a.result === r} onChange={() => set(it.id, { result: r })} /> {t(`patrol.inspect.${r}`)}
              </label>
            ))}
            {a.result === 'fail' ? (
              <div>
                <PhotoInput label={`${t('patrol.inspect.before')}${it.photoRequiredOnFail ? ` (${t('patrol.inspect.photoRequired')})` : ''}`} testId={`before-${it.code}`} onUploaded={(p) => set(it.id, { photoIds: p ? [p.id] : [] })} offline />
                {(['fixed', 'reported'] as const).map((r) => (
                  <label key={r} style={{ marginRight: 12 }}>
                    <input type="radio" name={`res-${it.id}`} value={r} checked={a.resolution === r} onChange={() => set(it.id, { resolution: r })} /> {t(`patrol.inspect.${r}`)}
                  </label>
                ))}
                {a.resolution === 'fixed' ? <PhotoInput label={t('patrol.inspect.after')} testId={`after-${it.code}`} onUploaded={(p) => set(it.id, { afterPhotoIds: p ? [p.id] : [] })} offline /> : null}
                <input className="m-input" aria-label={t('patrol.inspect.note')} placeholder={t('patrol.inspect.note')} value={a.note ?? ''} onChange={(e) => set(it.id, { note: e.target.value })} />
              </div>
            ) : null}
          </div>
        );
      })}
      {error ? <p className="alert alert-error" data-testid="inspect-error">{error}</p> : null}
      {checklist ? (
        <button type="button" className="m-btn m-btn-primary m-btn-block" data-testid="inspect-submit" disabled={busy} onClick={() => submit(checklist)}>
          {t('patrol.inspect.submit')}
        </button>
      ) : null}
    </div>
  );
}
