import '../shared/i18n/field-map';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { LngLat } from '../shared/geo/gcj02';
import { type NavLinks, navigationLinks } from '../shared/geo/nav-links';

const LINKS: [keyof NavLinks, string, string][] = [
  ['amapApp', 'fmap.nav.amap', 'nav-amap'],
  ['baiduApp', 'fmap.nav.baidu', 'nav-baidu'],
  ['amapWeb', 'fmap.nav.amapWeb', 'nav-amap-web'],
  ['baiduWeb', 'fmap.nav.baiduWeb', 'nav-baidu-web'],
];
const isWeb = (k: keyof NavLinks) => k === 'amapWeb' || k === 'baiduWeb';

/** "Navigate there" (WGS-84 in, each app's datum out): 高德 and 百度 apps by URI scheme, their web pages as the fallback. */
export function NavigateLinks({ at, name }: { at: LngLat; name: string }) {
  const { t } = useTranslation();
  const links = navigationLinks(at, name);
  return (
    <div className="m-nav" data-testid="navigate">
      <strong>{t('fmap.nav.title')}</strong>
      <div className="m-nav-links">
        {LINKS.map(([k, label, testId]) => (
          <a key={k} className={isWeb(k) ? 'm-nav-web' : 'm-btn m-nav-app'} href={links[k] as string} data-testid={testId} {...(isWeb(k) ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
            {t(label)}
          </a>
        ))}
      </div>
      <small className="hint">{t('fmap.nav.hint')}</small>
    </div>
  );
}

/** The same links as plain DOM, for a map popup. */
export function navigateElement(at: LngLat, name: string, t: TFunction): HTMLElement {
  const links = navigationLinks(at, name);
  const root = document.createElement('div');
  root.className = 'popup-nav';
  root.dataset.testid = 'popup-navigate';
  for (const [k, label, testId] of LINKS) {
    const a = document.createElement('a');
    a.href = links[k] as string;
    a.textContent = t(label);
    a.dataset.testid = testId;
    if (isWeb(k)) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    }
    root.append(a);
  }
  return root;
}
