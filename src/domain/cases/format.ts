// Building an Intl formatter is expensive; one shared instance formats every notice.
const SHANGHAI = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** An instant as Shanghai local time for notices, e.g. 2026/05/26 18:30. */
export const shanghaiTime = (iso: string) => SHANGHAI.format(new Date(iso));
