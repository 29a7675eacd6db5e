import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import zh from './zh';

export const LANG_STORAGE_KEY = 'closeloop.lang';
export type Lang = 'zh' | 'en';

function savedLang(): Lang {
  try {
    return localStorage.getItem(LANG_STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

function applyHtmlLang(lang: Lang) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** Simplified Chinese by default; the choice of English is remembered in localStorage. */
export function initI18n() {
  const lng = savedLang();
  void i18n.use(initReactI18next).init({
    resources: { zh: { translation: zh }, en: { translation: en } },
    lng,
    fallbackLng: 'zh',
    initAsync: false,
    interpolation: { escapeValue: false },
    // A key missing in every language would show on screen as itself ("patrol.today.dueNow"): say so
    // on the console, where the browser tests look (keys given a defaultValue fall back on purpose).
    saveMissing: true,
    missingKeyHandler: (_lngs, _ns, key, _fallback, _update, options) => {
      if ((options as { defaultValue?: unknown } | undefined)?.defaultValue === undefined) console.error(`[i18n] missing translation: ${key}`);
    },
  });
  applyHtmlLang(lng);
  return i18n;
}

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh';
}

export function setLang(lang: Lang) {
  try {
    localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  applyHtmlLang(lang);
  void i18n.changeLanguage(lang);
}

export function toggleLang() {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
}
