import i18n from 'i18next';

/** Field-app strings of the map, "navigate there", today's route legend, the check-in verdict and the report's defaults, under "fmap". */
const zh = {
  tile: '地图',
  tileHint: '附近点位、今日路线',
  title: '地图',
  tabNearby: '附近点位',
  tabRoute: '今日路线',
  me: '我的位置',
  noPosition: '未能定位：地图显示整个辖区。',
  showOnMap: '在地图上看',
  nav: {
    title: '导航到这里',
    amap: '高德地图',
    baidu: '百度地图',
    amapWeb: '高德网页版',
    baiduWeb: '百度网页版',
    hint: '未安装地图App时，用网页版。',
  },
  route: {
    order: '按行走顺序排列：从你所在位置出发，每一站去离上一站最近的点位；右侧是距你的距离。',
    orderNoGps: '未能定位：按名称排列。',
    stop: '第 {{n}} 站',
    legend: '图例',
    kinds: '标签颜色表示点位类型：',
    binRoom: '箱房：在标出的投放时段内打卡',
    grades: '商铺、单位下方的颜色是合规等级，决定多久检查一次：',
    grade: {
      red: '红：重点（近期有执法、多次不合格或多件未结案件），检查最勤',
      yellow: '黄：一般（近期有问题，或尚未检查过），按期复查',
      green: '绿：良好（检查过，无问题、无案件），间隔最长',
      new: '未检查：还没有等级，按黄处理',
    },
  },
  checkin: {
    distance: '距箱房 {{distance}}',
    willCount: '现在打卡会计入：在允许范围 {{radius}} 内（定位精度 ±{{accuracy}}）。',
    wontCountFar: '现在打卡不会计入：超出允许范围 {{radius}}（定位精度 ±{{accuracy}}）。请走近些，或扫描箱房二维码。',
    wontCountAccuracy: '现在打卡不会计入：定位精度 ±{{accuracy}} 太差（上限 {{max}}）。请到开阔处稍等，或扫描箱房二维码。',
  },
  report: {
    preselected: '已选最近的点位（{{distance}}），可更改。',
    categoriesFor: '只列出“{{kind}}”的问题类别，常用的在前。',
  },
};
const en: typeof zh = {
  tile: 'Map',
  tileHint: "Nearby sites, today's route",
  title: 'Map',
  tabNearby: 'Nearby',
  tabRoute: "Today's route",
  me: 'My position',
  noPosition: 'No position: the map shows the whole area.',
  showOnMap: 'Show on the map',
  nav: {
    title: 'Navigate there',
    amap: 'Amap',
    baidu: 'Baidu Maps',
    amapWeb: 'Amap (web)',
    baiduWeb: 'Baidu Maps (web)',
    hint: 'Without the map app, use the web version.',
  },
  route: {
    order: 'In walking order: from where you are to the nearest stop, then each time to the stop nearest the last one; on the right, the distance from you.',
    orderNoGps: 'No position: in order of name.',
    stop: 'Stop {{n}}',
    legend: 'Legend',
    kinds: 'The label colour is the kind of site:',
    binRoom: 'Bin room: check in during the disposal window shown',
    grades: 'The colour under a shop or unit is its compliance grade, which sets how often it is inspected:',
    grade: {
      red: 'Red: priority (recent enforcement, repeated failures or several open cases), inspected most often',
      yellow: 'Yellow: ordinary (recent problems, or not inspected yet), inspected on schedule',
      green: 'Green: good (inspected, no problems, no cases), longest interval',
      new: 'Not inspected: no grade yet, treated as yellow',
    },
  },
  checkin: {
    distance: '{{distance}} from the bin room',
    willCount: 'A check-in now will count: within the allowed {{radius}} (accuracy ±{{accuracy}}).',
    wontCountFar: 'A check-in now will not count: outside the allowed {{radius}} (accuracy ±{{accuracy}}). Walk closer, or scan the QR plate.',
    wontCountAccuracy: 'A check-in now will not count: accuracy ±{{accuracy}} is too poor (limit {{max}}). Wait in the open, or scan the QR plate.',
  },
  report: {
    preselected: 'The nearest site is chosen ({{distance}}); you can change it.',
    categoriesFor: 'Only categories for "{{kind}}", most used first.',
  },
};

/** Both languages, for the parity test. */
export const FIELD_MAP_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { fmap: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { fmap: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
