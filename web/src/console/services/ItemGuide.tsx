import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatStamp } from '../../shared/format';
import type { ItemVersion, ServiceItemDetail } from './types';

/** Which version a guide is, relative to the one in effect today. */
function versionState(v: ItemVersion, item: ServiceItemDetail): 'current' | 'upcoming' | 'past' {
  if (item.current?.id === v.id) return 'current';
  if (!item.current || v.effectiveFrom > item.current.effectiveFrom || v.version > item.current.version) return 'upcoming';
  return 'past';
}

/** A 办事指南 as published: every field of one version, the materials checklist, the procedure and the versions. */
export function ItemGuide({ item, versionId, onVersion, actions }: {
  item: ServiceItemDetail;
  versionId: string | null;
  onVersion(id: string): void;
  actions?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const v = item.versions.find((x) => x.id === versionId) ?? item.current ?? item.versions[0];
  if (!v) return <p className="muted card">{t('yw.catalogue.noGuide')}</p>;
  const yn = (b: boolean) => t(b ? 'yw.yes' : 'yw.no');
  const days = (n: number) => (n === 0 ? t('yw.instant') : t('yw.workingDays', { n }));
  const row = (label: string, value: ReactNode, key: string) => (
    <div className="yw-fact" key={key} data-testid={`guide-${key}`}>
      <dt>{label}</dt>
      <dd>{value === '' || value === null ? t('yw.catalogue.none') : value}</dd>
    </div>
  );
  return (
    <article className="card yw-guide" data-testid="item-guide" data-version={v.version}>
      <div className="page-head">
        <h2>
          {en && v.nameEn ? v.nameEn : v.nameZh}{' '}
          <small className="badge" data-testid="guide-version">{t('yw.catalogue.version', { n: v.version })} · {t(`yw.catalogue.${versionState(v, item)}`)}</small>
        </h2>
        {actions}
      </div>
      <dl className="yw-facts">
        {row(t('yw.catalogue.basicCode'), item.basicCode, 'basicCode')}
        {row(t('yw.catalogue.implCode'), item.implCode, 'implCode')}
        {row(t('yw.guide.effectiveFrom'), v.effectiveFrom, 'effectiveFrom')}
        {row(t('yw.guide.itemType'), v.itemType, 'itemType')}
        {row(t('yw.guide.department'), v.department, 'department')}
        {row(t('yw.guide.legalLimitDays'), days(v.legalLimitDays), 'legalLimitDays')}
        {row(t('yw.guide.promisedLimitDays'), days(v.promisedLimitDays), 'promisedLimitDays')}
        {row(t('yw.guide.visits'), String(v.visits), 'visits')}
        {row(t('yw.guide.mode'), t(`yw.modes.${v.mode}`), 'mode')}
        {row(t('yw.guide.channels'), v.channels.map((c) => t(`yw.channels.${c}`)).join('、'), 'channels')}
        {row(t('yw.guide.citywide'), yn(v.citywide), 'citywide')}
        {row(t('yw.guide.assistAllowed'), yn(v.assistAllowed), 'assistAllowed')}
        {row(t('yw.guide.proxyAllowed'), v.proxyAllowed ? `${yn(true)}（${t('yw.catalogue.proxyNote')}）` : yn(false), 'proxyAllowed')}
        {row(t('yw.guide.fee'), v.fee, 'fee')}
        {row(t('yw.guide.consultPhone'), v.consultPhone, 'consultPhone')}
        {row(t('yw.guide.complaintPhone'), v.complaintPhone, 'complaintPhone')}
      </dl>
      <dl className="yw-facts yw-facts-long">
        {row(t('yw.guide.legalBasis'), v.legalBasis, 'legalBasis')}
        {row(t('yw.guide.conditions'), v.conditions, 'conditions')}
        {row(t('yw.guide.placesHours'), v.placesHours, 'placesHours')}
        {row(t('yw.guide.faq'), v.faq, 'faq')}
      </dl>
      <h3>{t('yw.guide.materials')}</h3>
      <table className="table" data-testid="guide-materials">
        <thead>
          <tr>
            <th>#</th><th>{t('yw.guide.materialName')}</th><th>{t('yw.guide.form')}</th><th>{t('yw.guide.copies')}</th>
            <th>{t('yw.guide.eLicenceExempt')}</th><th>{t('yw.guide.deferrable')}</th><th>{t('yw.guide.note')}</th>
          </tr>
        </thead>
        <tbody>
          {v.materials.length === 0 ? <tr><td colSpan={7} className="muted">{t('yw.catalogue.none')}</td></tr> : null}
          {v.materials.map((m, i) => (
            <tr key={i}>
              <td>{i + 1}</td><td>{m.name}</td><td>{t(`yw.forms.${m.form}`)}</td><td>{m.copies}</td>
              <td>{yn(m.eLicenceExempt)}</td><td>{yn(m.deferrable)}</td><td>{m.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('yw.guide.steps')}</h3>
      <ol className="yw-steps" data-testid="guide-steps">
        {v.steps.map((s, i) => (
          <li key={i}>
            {s.name} · {days(s.days)}{s.countsTowardLimit ? '' : ` · ${t('yw.guide.countsTowardLimit')}：${yn(false)}`}
          </li>
        ))}
      </ol>
      <h3>{t('yw.catalogue.versions')}</h3>
      <table className="table" data-testid="guide-versions">
        <thead>
          <tr><th>{t('yw.catalogue.version', { n: '' }).trim()}</th><th>{t('yw.catalogue.effectiveFrom')}</th><th>{t('yw.guide.nameZh')}</th><th>{t('yw.network.dates')}</th><th /></tr>
        </thead>
        <tbody>
          {item.versions.map((x) => (
            <tr key={x.id} data-testid={`guide-version-${x.version}`} className={x.id === v.id ? 'selected' : undefined}>
              <td>{t('yw.catalogue.version', { n: x.version })}</td>
              <td>{x.effectiveFrom} <small className="badge">{t(`yw.catalogue.${versionState(x, item)}`)}</small></td>
              <td>{x.nameZh}</td>
              <td>{formatStamp(x.createdAt)}</td>
              <td>{x.id !== v.id ? <button type="button" className="btn btn-small btn-ghost" onClick={() => onVersion(x.id)}>{t('yw.catalogue.guide')}</button> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
