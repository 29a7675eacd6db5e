import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { feeText } from './fee';
import type { PublicGuide, PublicItem } from './types';

/** "承诺时限 5 个工作日" / "即办". */
export function limitText(t: (k: string, o?: Record<string, unknown>) => string, days: number) {
  return days === 0 ? t('ywPub.limitNow') : t('ywPub.limitDays', { count: days });
}

/**
 * One item of the point's list: its summary (time limit, fee, visits, documents) always shown,
 * the full guide fetched when opened (a centre lists a hundred items: their guides are not sent
 * with the page).
 */
export function ItemRow({ code, item, onBook }: { code: string; item: PublicItem; onBook: ((item: PublicItem) => void) | null }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [open, setOpen] = useState(false);
  const [guide, setGuide] = useState<PublicGuide | null>(null);
  const [error, setError] = useState('');
  /** Bumped by 重试: fetches the guide again after a failure. */
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!open || guide) return;
    let live = true;
    // A failure of an earlier try is not this one's: it would stay above the guide once it loads.
    setError('');
    request<PublicGuide>('GET', `/api/public/points/${encodeURIComponent(code)}/items/${encodeURIComponent(item.id)}`)
      .then((g) => live && setGuide(g))
      .catch((e: unknown) => live && setError(errorText(t, e)));
    return () => {
      live = false;
    };
  }, [open, guide, code, item.id, t, attempt]);

  return (
    <li className="pp-item" data-testid="point-item" data-item-id={item.id}>
      <button type="button" className="pp-item-head" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="item-toggle">
        <span className="pp-item-name">{en && item.nameEn ? item.nameEn : item.nameZh}</span>
        <span className="pp-item-sum">
          {t('ywPub.limit')} {limitText(t, item.promisedLimitDays)} · {t('ywPub.fee')} {feeText(t, item.fee)}
          {' · '}
          {item.noMaterials ? t('ywPub.noMaterials') : t('ywPub.materialCount', { count: item.materialCount })}
          {' · '}
          {t(item.visits === 0 ? 'ywPub.visits0' : 'ywPub.visits1')}
        </span>
      </button>
      {open ? (
        <div className="pp-guide" data-testid="item-guide">
          {error ? (
            <>
              <p className="p-error" role="alert" data-testid="item-guide-error">{error}</p>
              <button type="button" className="p-btn" onClick={() => setAttempt((n) => n + 1)} data-testid="item-guide-retry">{t('ywPub.retry')}</button>
            </>
          ) : null}
          {!guide && !error ? <p className="hint">{t('ywPub.guideLoading')}</p> : null}
          {guide ? (
            <>
              <h3>{t('ywPub.materials')}</h3>
              {guide.materials.length ? (
                <ol className="pp-materials">
                  {guide.materials.map((m, i) => (
                    <li key={i}>
                      {m.name}{t('ywPub.paren', { text: `${t(`ywPub.form.${m.form}`)}${m.copies > 1 ? `${t('ywPub.sep')}${t('ywPub.copies', { count: m.copies })}` : ''}` })}
                      {m.eLicenceExempt ? <span className="p-badge pp-tag">{t('ywPub.exempt')}</span> : null}
                      {m.deferrable ? <span className="p-badge pp-tag">{t('ywPub.deferrable')}</span> : null}
                      {m.note ? <span className="hint"> {m.note}</span> : null}
                    </li>
                  ))}
                </ol>
              ) : (
                <p>{t('ywPub.noMaterials')}</p>
              )}
              <dl className="p-facts">
                <dt>{t('ywPub.limit')}</dt>
                <dd>{limitText(t, guide.promisedLimitDays)}{t('ywPub.paren', { text: `${t('ywPub.legalLimit')} ${limitText(t, guide.legalLimitDays)}` })}</dd>
                <dt>{t('ywPub.fee')}</dt>
                <dd>{feeText(t, guide.fee)}</dd>
                <dt>{t('ywPub.department')}</dt>
                <dd>{guide.department} · {t(`ywPub.mode.${guide.mode}`)}</dd>
                {guide.conditions ? (<><dt>{t('ywPub.conditions')}</dt><dd className="p-desc">{guide.conditions}</dd></>) : null}
                {guide.placesHours ? (<><dt>{t('ywPub.placesHours')}</dt><dd>{guide.placesHours}</dd></>) : null}
                {guide.consultPhone ? (<><dt>{t('ywPub.consult')}</dt><dd><a href={`tel:${guide.consultPhone}`}>{guide.consultPhone}</a></dd></>) : null}
                {guide.complaintPhone ? (<><dt>{t('ywPub.complaint')}</dt><dd><a href={`tel:${guide.complaintPhone}`}>{guide.complaintPhone}</a></dd></>) : null}
              </dl>
            </>
          ) : null}
          {onBook ? (
            <button type="button" className="p-btn p-btn-primary" onClick={() => onBook(item)} data-testid="book-item">{t('ywPub.book')}</button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
