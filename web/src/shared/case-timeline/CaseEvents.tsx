import '../i18n/timeline';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { type CaseDetail, photoUrl, type TimelineEvent, thumbUrl } from '../cases';
import { formatTime } from '../format';
import { formatDistance } from '../geo/format-distance';
import './case-timeline.css';

const MINUTE = 60_000;

/** "3 小时 2 分钟" / "3 h 2 min": how far a phone's clock was off. */
function offsetText(t: TFunction, ms: number) {
  const minutes = Math.round(Math.abs(ms) / MINUTE);
  return minutes >= 60 ? t('timeline.hours', { h: Math.floor(minutes / 60), m: minutes % 60 }) : t('timeline.minutes', { m: minutes });
}

/** "马娜（上海古北物业）" for a person of a unit, "孙秀英（城运中心值班员）" otherwise, "系统" for the system. */
function actorText(t: TFunction, e: TimelineEvent) {
  const name = e.actorName ?? (e.actorRole === 'system' ? t('roles.system') : e.actorRole === 'public' ? t('roles.public') : '');
  const of = e.actorUnit?.name ?? (e.actorRole && !['system', 'public'].includes(e.actorRole) ? t(`roles.${e.actorRole}`) : '');
  return of ? t('timeline.actor', { name, of }) : name;
}

/**
 * One entry of a case's timeline: the action by its own name, where a dispatch sent the case, who
 * did it (with their unit or role), when (and the phone's time when it was off), how far from the
 * site, the note and the photos.
 */
function Entry({ e }: { e: TimelineEvent }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const target = e.target && (e.target.unit?.name || e.target.person?.name)
    ? e.target.unit?.name && e.target.person?.name
      ? t('timeline.target', { unit: e.target.unit.name, person: e.target.person.name })
      : (e.target.unit?.name ?? e.target.person?.name)
    : null;
  return (
    <li data-action={e.action} data-to={e.toStatus}>
      <div className="tl-head">
        <strong data-testid="event-label">{e.label ? (lang.startsWith('en') ? e.label.en : e.label.zh) : t(`cases.status.${e.toStatus}`)}</strong>
        {target ? <span data-testid="event-target"> → {target}</span> : null}
        {' · '}
        <span data-testid="event-actor">{actorText(t, e)}</span>
      </div>
      <div className="when">
        {formatTime(e.at, lang)}
        {e.deviceOffsetMs != null && e.deviceAt ? (
          <span data-testid="event-device-time"> · {t('timeline.deviceAt', { time: formatTime(e.deviceAt, lang), amount: offsetText(t, e.deviceOffsetMs) })}</span>
        ) : null}
        {e.fromStatus !== e.toStatus ? <span className="tl-status" data-testid="event-status"> · {t('timeline.status', { status: t(`cases.status.${e.toStatus}`) })}</span> : null}
      </div>
      {e.note ? <p>{e.note}</p> : null}
      {e.lng !== null && e.lat !== null ? (
        <div className="tl-gps">
          <span data-testid="event-gps">{t('cases.detail.gps', { lng: e.lng.toFixed(6), lat: e.lat.toFixed(6), m: e.accuracy ?? '?' })}</span>
          {e.place ? (
            <span data-testid="event-place" data-distance={e.place.distanceM} data-within={e.place.withinFence === null ? '' : String(e.place.withinFence)}>
              {' · '}
              <span className="tl-nowrap">{t(`timeline.place.${e.place.reference}`, { distance: formatDistance(e.place.distanceM, lang) })}</span>
              {e.place.withinFence === null ? null : (
                <>
                  {' · '}
                  <span className={`tl-nowrap ${e.place.withinFence ? 'tl-inside' : 'tl-outside'}`}>{t(e.place.withinFence ? 'timeline.place.inside' : 'timeline.place.outside')}</span>
                </>
              )}
            </span>
          ) : null}
        </div>
      ) : null}
      {e.photoIds.length ? (
        <div className="case-photos">
          {e.photoIds.map((p) => (
            <a key={p} href={photoUrl(p)} target="_blank" rel="noreferrer" data-testid="event-photo" aria-label={t('timeline.photos.open')}>
              <img src={thumbUrl(p)} alt="" loading="lazy" />
            </a>
          ))}
        </div>
      ) : null}
    </li>
  );
}

/** The case's events, oldest first. */
export function TimelineList({ c }: { c: CaseDetail }) {
  return (
    <ol className="case-timeline" data-testid="case-timeline">
      {c.timeline.map((e) => <Entry key={e.id} e={e} />)}
    </ol>
  );
}

/**
 * The report's photos next to the rectification's: before on the left, after on the right, each a
 * link to the full-size photo. Shown once the case has photos of either kind.
 */
export function BeforeAfterPhotos({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const before = c.photos.filter((p) => p.purpose === 'before');
  const after = c.photos.filter((p) => p.purpose === 'after');
  if (!before.length && !after.length) return null;
  const column = (kind: 'before' | 'after', photos: typeof before) => (
    <figure className="ba-col" data-testid={`photos-${kind}`}>
      <figcaption>{t(`timeline.photos.${kind}`)}</figcaption>
      {photos.length ? (
        photos.map((p) => (
          <a key={p.id} href={photoUrl(p.id)} target="_blank" rel="noreferrer" data-testid={`photo-${kind}`} aria-label={`${t(`timeline.photos.${kind}`)} · ${t('timeline.photos.open')}`}>
            <img src={thumbUrl(p.id)} alt="" loading="lazy" />
          </a>
        ))
      ) : (
        <p className="tl-none">{t('timeline.photos.none')}</p>
      )}
    </figure>
  );
  return (
    <section className="before-after" data-testid="before-after" aria-label={t('timeline.photos.title')}>
      {column('before', before)}
      {column('after', after)}
    </section>
  );
}
