import i18n from 'i18next';

/**
 * Strings of the date and time inputs and their picker. Merged under "dates". The format itself
 * is the Chinese one in both languages (yyyy-MM-dd, 24-hour HH:mm); only the words change.
 */
const zh = {
  placeholder: { date: '年-月-日', datetime: '年-月-日 时:分', time: '时:分' },
  invalid: {
    date: '请按“年-月-日”填写一个有效日期，如 2026-12-05',
    datetime: '请按“年-月-日 时:分”（24 小时制）填写一个有效时间，如 2026-12-05 16:00',
    time: '请按“时:分”（24 小时制）填写，如 16:00',
  },
  open: { date: '选择日期', datetime: '选择日期和时间', time: '选择时间' },
  prevMonth: '上个月',
  nextMonth: '下个月',
  hour: '时',
  minute: '分',
  today: '今天',
  now: '现在',
  clear: '清除',
  cancel: '取消',
  ok: '确定',
  weekdays: { mon: '一', tue: '二', wed: '三', thu: '四', fri: '五', sat: '六', sun: '日' },
};

const en: typeof zh = {
  placeholder: { date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm', time: 'hh:mm' },
  invalid: {
    date: 'Enter a real date as yyyy-mm-dd, e.g. 2026-12-05',
    datetime: 'Enter a real date and 24-hour time as yyyy-mm-dd hh:mm, e.g. 2026-12-05 16:00',
    time: 'Enter a 24-hour time as hh:mm, e.g. 16:00',
  },
  open: { date: 'Choose a date', datetime: 'Choose a date and time', time: 'Choose a time' },
  prevMonth: 'Previous month',
  nextMonth: 'Next month',
  hour: 'Hour',
  minute: 'Minute',
  today: 'Today',
  now: 'Now',
  clear: 'Clear',
  cancel: 'Cancel',
  ok: 'OK',
  weekdays: { mon: 'Mo', tue: 'Tu', wed: 'We', thu: 'Th', fri: 'Fr', sat: 'Sa', sun: 'Su' },
};

/** Both languages, for the parity test. */
export const DATES_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { dates: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { dates: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
