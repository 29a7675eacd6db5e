import { useTranslation } from 'react-i18next';
import { type CaseDetail, photoUrl, thumbUrl } from '../../shared/cases';
import { formatTime } from '../../shared/format';

/** The case's events, oldest first: who (person and role), when (Shanghai time), note, photos, GPS. */
export function CaseTimeline({ c }: { c: CaseDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <ol className="case-timeline" data-testid="case-timeline">
      {c.timeline.map((e) => (
        <li key={e.id} data-action={e.action} data-to={e.toStatus}>
          <div>
            <strong data-testid="event-label">{e.label ? (lang.startsWith('en') ? e.label.en : e.label.zh) : t(`cases.status.${e.toStatus}`)}</strong> ·{' '}
            {e.actorName ?? (e.actorRole === 'system' ? t('roles.system') : '')} {e.actorRole && e.actorRole !== 'system' ? `（${t(`roles.${e.actorRole}`)}）` : ''}
            {e.label && e.fromStatus && e.fromStatus !== e.toStatus ? <span className="muted" data-testid="event-status"> → {t(`cases.status.${e.toStatus}`)}</span> : null}
          </div>
          <div className="when">
            {formatTime(e.at, lang)}
            {e.deviceAt ? ` · ${t('cases.detail.deviceAt', { time: formatTime(e.deviceAt, lang) })}` : ''}
          </div>
          {e.note ? <p>{e.note}</p> : null}
          {e.lng !== null && e.lat !== null ? (
            <div className="muted" data-testid="event-gps">{t('cases.detail.gps', { lng: e.lng.toFixed(6), lat: e.lat.toFixed(6), m: e.accuracy ?? '?' })}</div>
          ) : null}
          {e.photoIds.length ? (
            <div className="case-photos">
              {e.photoIds.map((p) => (
                <a key={p} href={photoUrl(p)} target="_blank" rel="noreferrer" data-testid="event-photo">
                  <img src={thumbUrl(p)} alt="" loading="lazy" />
                </a>
              ))}
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
