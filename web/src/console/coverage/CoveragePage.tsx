import '../../shared/i18n/patrol';
import '../../shared/i18n/console';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { floorPercent } from '../../shared/percent';
import { useApi } from '../../shared/use-api';
import { type KeysetPage, useKeysetList } from '../../shared/use-keyset-list';
import '../sites/site-history.css';
import { CadreMisses } from './CadreMisses';
import { distinctIds, type EvidenceFlag, FlagList, FlaggedPhotos } from './FlaggedEvidence';
import { FlaggedInspections } from './FlaggedInspections';
import { IntervalsForm } from './IntervalsForm';
import { DateInput } from '../../shared/date-input/DateInput';
import { shanghaiToday } from '../../shared/dates';
import { LoadMore } from '../../shared/LoadMore';

interface Row { committeeId: string; committeeName: string; kind: string; sites: number; due: number; covered: number; missed: number; pending: number }
interface Board { from: string; to: string; items: Row[]; totals: Record<string, Omit<Row, 'committeeId' | 'committeeName' | 'kind'>> }
interface Miss { id: string; siteName: string; windowKey: string; subject: string; userName: string | null }
interface Person { userId: string; name: string; role: string; checkins: number; offSite: number; manual: number; binRooms: number; inspections: number; failedInspections: number; selfResolved: number; reported: number; missed: number }
interface Flagged {
  id: string; siteName: string; userName: string; firstAt: string; method: string; manualReason: string | null; manualNote: string | null;
  photoId: string | null; lastPhotoId: string | null; evidenceFlags: EvidenceFlag[];
}

/** A manual position (with the reason) is listed for review besides any photo flags. */
function manualText(c: Flagged, t: (k: string, o?: Record<string, unknown>) => string): string | null {
  return c.method === 'manual' && c.manualReason
    ? t('patrol.flags.manual', { reason: `${t(`patrol.checkin.manual.reasons.${c.manualReason}`)}${c.manualNote ? ` · ${c.manualNote}` : ''}` })
    : null;
}

/** 巡查点位全覆盖 + 人员力量全纳入: coverage per committee and kind, missed check-ins, staff activity, flagged evidence. */
export function CoveragePage() {
  const { t, i18n } = useTranslation();
  const [from, setFrom] = useState(shanghaiToday());
  const [to, setTo] = useState(shanghaiToday());
  const [kind, setKind] = useState('');
  const board = useApi(() => api.get<Board>('/api/coverage/board', { from, to, kind }), [from, to, kind]);
  const misses = useKeysetList<Miss>((after) => api.get<KeysetPage<Miss>>('/api/checkins/misses', { date: to, subject: 'site', limit: 200, after }), [to]);
  const activity = useApi(() => api.get<{ items: Person[] }>('/api/coverage/activity', { date: to }), [to]);
  const flagged = useKeysetList<Flagged>((after) => api.get<KeysetPage<Flagged>>('/api/checkins', { flagged: 'true', limit: 100, after }), []);
  const kinds = ['bin_room', 'shop', 'institution'];
  return (
    <section data-testid="coverage-page">
      <div className="page-head">
        <h1>{t('patrol.board.title')}</h1>
      </div>
      <div className="filters">
        <label>{t('patrol.board.date')} <DateInput value={from} onChange={setFrom} data-testid="board-from" /></label>
        <label>{t('patrol.board.to')} <DateInput value={to} onChange={setTo} data-testid="board-to" /></label>
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label={t('patrol.board.kind')}>
          <option value="">—</option>
          {kinds.map((k) => <option key={k} value={k}>{t(`patrol.kinds.${k}`)}</option>)}
        </select>
      </div>
      {board.error ? <p className="alert alert-error">{errorText(t, board.error)}</p> : null}
      {board.data ? (
        <table className="table" data-testid="board-table">
          <thead>
            <tr>
              <th>{t('patrol.board.committee')}</th><th>{t('patrol.board.kind')}</th><th>{t('patrol.board.sites')}</th><th>{t('patrol.board.due')}</th>
              <th>{t('patrol.board.covered')}</th><th>{t('patrol.board.missed')}</th><th>{t('patrol.board.pending')}</th><th>{t('patrol.board.rate')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(board.data.totals).map(([k, r]) => (
              <tr key={`total-${k}`} data-testid={`board-total-${k}`}>
                <th>{t('patrol.board.total')}</th><td>{t(`patrol.kinds.${k}`)}</td><td>{r.sites}</td><td>{r.due}</td>
                <td data-col="covered">{r.covered}</td><td data-col="missed">{r.missed}</td><td>{r.pending}</td><td>{floorPercent(r.covered, r.due)}</td>
              </tr>
            ))}
            {board.data.items.map((r) => (
              <tr key={`${r.committeeId}-${r.kind}`}>
                <td>{r.committeeName}</td><td>{t(`patrol.kinds.${r.kind}`)}</td><td>{r.sites}</td><td>{r.due}</td>
                <td>{r.covered}</td><td>{r.missed}</td><td>{r.pending}</td><td>{floorPercent(r.covered, r.due)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h2>{t('patrol.board.activity')}</h2>
      <table className="table" data-testid="activity-table">
        <thead>
          <tr>
            <th>{t('patrol.board.person')}</th><th>{t('patrol.board.role')}</th><th>{t('patrol.board.checkins')}</th><th>{t('patrol.board.offSite')}</th><th>{t('patrol.board.manual')}</th>
            <th>{t('patrol.board.binRooms')}</th><th>{t('patrol.board.inspections')}</th><th>{t('patrol.board.failed')}</th><th>{t('patrol.board.selfResolved')}</th>
            <th>{t('patrol.board.reportedCases')}</th><th>{t('patrol.board.missedWindows')}</th>
          </tr>
        </thead>
        <tbody>
          {(activity.data?.items ?? []).map((p) => (
            <tr key={p.userId}>
              <td>{p.name}</td><td>{t(`roles.${p.role}`)}</td><td>{p.checkins}</td><td>{p.offSite}</td><td data-col="manual">{p.manual}</td><td>{p.binRooms}</td>
              <td>{p.inspections}</td><td>{p.failedInspections}</td><td>{p.selfResolved}</td><td>{p.reported}</td><td>{p.missed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('patrol.board.misses')}</h2>
      <table className="table" data-testid="misses-table">
        <thead><tr><th>{t('patrol.board.site')}</th><th>{t('patrol.board.window')}</th></tr></thead>
        <tbody>
          {misses.items.map((m) => <tr key={m.id} data-testid="miss-row"><td>{m.siteName}</td><td>{m.windowKey.replace('@', ' ')}</td></tr>)}
        </tbody>
      </table>
      {misses.error ? <p className="alert alert-error">{errorText(t, misses.error)}</p> : null}
      <LoadMore list={misses} testId="misses-more" />
      <CadreMisses date={to} />
      <h2>{t('patrol.board.flagged')}</h2>
      <table className="table" data-testid="flagged-table">
        <thead>
          <tr>
            <th>{t('patrol.board.when')}</th><th>{t('patrol.board.site')}</th><th>{t('patrol.board.person')}</th><th>{t('patrol.board.flag')}</th>
            <th>{t('console.spotChecks.photos')}</th>
          </tr>
        </thead>
        <tbody>
          {flagged.items.map((c) => {
            const when = formatTime(c.firstAt, i18n.language);
            return (
              <tr key={c.id} data-testid="flagged-row" data-id={c.id} data-method={c.method}>
                <td>{when}</td><td>{c.siteName}</td><td>{c.userName}</td>
                <td><FlagList flags={c.evidenceFlags} lead={manualText(c, t)} /></td>
                <td>
                  <FlaggedPhotos ids={distinctIds([c.photoId, c.lastPhotoId])}
                    label={(n) => t('console.coverage.checkinPhoto', { site: c.siteName, when, n })} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {flagged.error ? <p className="alert alert-error">{errorText(t, flagged.error)}</p> : null}
      <LoadMore list={flagged} testId="flagged-more" />
      <FlaggedInspections />
      <IntervalsForm />
    </section>
  );
}
