/**
 * Facts for the Hongqiao demo: Changning District's Hongqiao Subdistrict and its real roads.
 * Coordinates are WGS-84 approximations of each road's course inside the subdistrict.
 */
export const DISTRICT = { code: '310105', name: '长宁区', nameEn: 'Changning District' };

export interface RoadLine {
  name: string;
  nameEn: string;
  from: [number, number];
  to: [number, number];
  /** House-number range along the road */
  numbers: [number, number];
}

export const HONGQIAO_EXTENT = { minLng: 121.398, maxLng: 121.429, minLat: 31.193, maxLat: 31.213 };

export const HONGQIAO_ROADS: RoadLine[] = [
  { name: '延安西路', nameEn: "Yan'an West Road", from: [121.399, 31.2062], to: [121.428, 31.2071], numbers: [1800, 2600] },
  { name: '虹桥路', nameEn: 'Hongqiao Road', from: [121.399, 31.1958], to: [121.428, 31.1972], numbers: [1100, 1600] },
  { name: '仙霞路', nameEn: 'Xianxia Road', from: [121.399, 31.2098], to: [121.419, 31.2104], numbers: [1, 400] },
  { name: '遵义路', nameEn: 'Zunyi Road', from: [121.4132, 31.1945], to: [121.4138, 31.2125], numbers: [1, 600] },
  { name: '古北路', nameEn: 'Gubei Road', from: [121.4031, 31.1945], to: [121.4036, 31.2125], numbers: [1, 900] },
  { name: '安顺路', nameEn: 'Anshun Road', from: [121.4212, 31.1975], to: [121.4219, 31.2060], numbers: [1, 300] },
  { name: '中山西路', nameEn: 'Zhongshan West Road', from: [121.4262, 31.1960], to: [121.4275, 31.2120], numbers: [600, 1200] },
  { name: '水城南路', nameEn: 'Shuicheng South Road', from: [121.4092, 31.1950], to: [121.4096, 31.2060], numbers: [1, 300] },
  { name: '伊犁路', nameEn: 'Yili Road', from: [121.4070, 31.1955], to: [121.4074, 31.2058], numbers: [1, 200] },
  { name: '荣华东道', nameEn: 'Ronghua East Avenue', from: [121.4040, 31.1995], to: [121.4128, 31.1999], numbers: [1, 150] },
  { name: '黄金城道', nameEn: 'Huangjincheng Avenue', from: [121.4040, 31.2022], to: [121.4128, 31.2026], numbers: [1, 900] },
  { name: '茅台路', nameEn: 'Maotai Road', from: [121.4000, 31.2112], to: [121.4180, 31.2118], numbers: [1, 600] },
  { name: '虹古路', nameEn: 'Honggu Road', from: [121.3990, 31.2030], to: [121.4030, 31.2033], numbers: [1, 200] },
  { name: '玉屏南路', nameEn: 'Yuping South Road', from: [121.4175, 31.2070], to: [121.4179, 31.2118], numbers: [1, 300] },
];

export const HONGQIAO_COMMITTEES = [
  ['安顺', 'Anshun'], ['虹储', 'Hongchu'], ['虹桥', 'Hongqiao'], ['古北', 'Gubei'],
  ['荣华第一', 'Ronghua No.1'], ['荣华第二', 'Ronghua No.2'], ['虹仙', 'Hongxian'], ['遵义', 'Zunyi'],
  ['延西', 'Yanxi'], ['中山', 'Zhongshan'], ['水城', 'Shuicheng'], ['伊犁', 'Yili'],
  ['茅台', 'Maotai'], ['玉屏', 'Yuping'], ['长虹', 'Changhong'], ['宁苑', 'Ningyuan'],
] as const;

/**
 * The neighbourhood committees each road runs through, in order along the road (from → to): a site
 * on a road belongs to the committee of its stretch (the salon on 安顺路 is in 安顺居民区).
 */
export const HONGQIAO_ROAD_COMMITTEES: Record<string, string[]> = {
  延安西路: ['延西', '长虹'], 虹桥路: ['虹储', '虹桥'], 仙霞路: ['虹仙'], 遵义路: ['遵义'], 古北路: ['古北'],
  安顺路: ['安顺'], 中山西路: ['中山'], 水城南路: ['水城'], 伊犁路: ['伊犁'], 荣华东道: ['荣华第一', '荣华第二'],
  黄金城道: ['荣华第二', '宁苑'], 茅台路: ['茅台'], 虹古路: ['宁苑'], 玉屏南路: ['玉屏'],
};

export const XIANXIA = {
  code: '010',
  name: '仙霞新村街道',
  nameEn: 'Xianxia Xincun Subdistrict',
  extent: { minLng: 121.384, maxLng: 121.398, minLat: 31.205, maxLat: 31.218 },
  roads: [
    { name: '仙霞路', nameEn: 'Xianxia Road', from: [121.384, 31.2095], to: [121.398, 31.2098], numbers: [400, 900] },
    { name: '威宁路', nameEn: 'Weining Road', from: [121.3905, 31.2055], to: [121.3912, 31.2175], numbers: [1, 400] },
    { name: '哈密路', nameEn: 'Hami Road', from: [121.3860, 31.2060], to: [121.3866, 31.2170], numbers: [1, 300] },
    { name: '天山路', nameEn: 'Tianshan Road', from: [121.3840, 31.2150], to: [121.3975, 31.2160], numbers: [1, 800] },
  ] as RoadLine[],
  committees: [['虹仙第一', 'Hongxian No.1'], ['威宁', 'Weining'], ['哈密', 'Hami'], ['天山', 'Tianshan']] as const,
  roadCommittees: { 仙霞路: ['虹仙第一'], 威宁路: ['威宁'], 哈密路: ['哈密'], 天山路: ['天山'] } as Record<string, string[]>,
};

export const COMPOUNDS = [
  '虹桥新城', '古北新城', '锦绣江南', '虹桥乐庭', '上海城', '名都城', '古北国际花园', '安顺小区', '虹储小区',
  '荣华公寓', '遵义大楼', '水城小区', '伊犁新村', '茅台新苑', '玉屏公寓', '延西小区', '中山公寓', '仙霞新村',
  '长虹坊', '宁苑小区', '虹桥花苑', '金古公寓', '黄金城公寓', '古北华庭', '中华园', '罗马花园',
];

/** Property companies, each with the English name the English tracking page shows. */
export const PROPERTY_COMPANIES = [
  ['上海古北物业管理有限公司', 'Shanghai Gubei Property Management Co., Ltd.'],
  ['上海虹桥物业管理有限公司', 'Shanghai Hongqiao Property Management Co., Ltd.'],
  ['上海长宁房地产物业有限公司', 'Shanghai Changning Real Estate Property Co., Ltd.'],
  ['上海锦江物业管理有限公司', 'Shanghai Jinjiang Property Management Co., Ltd.'],
  ['上海陆家嘴物业管理有限公司', 'Shanghai Lujiazui Property Management Co., Ltd.'],
  ['上海东湖物业管理有限公司', 'Shanghai Donghu Property Management Co., Ltd.'],
  ['上海中房物业管理有限公司', 'Shanghai Zhongfang Property Management Co., Ltd.'],
  ['上海新长宁物业有限公司', 'Shanghai New Changning Property Co., Ltd.'],
] as const;

export const UNIT_TEMPLATES = [
  '长宁区{road}小学', '上海市{road}中学', '{road}幼儿园', '虹桥街道社区卫生服务中心{n}站', '{road}{n}号大厦',
  '长宁区图书馆{road}分馆', '{road}菜市场', '中国银行{road}支行', '{road}邮政支局', '{road}派出所',
  '上海{road}酒店', '{road}文化活动中心', '虹桥街道党群服务站（{road}）', '{road}养老院', '{road}商务楼',
];

export const SHOP_KINDS = [
  ['理发店', 'hair salon'], ['便利店', 'convenience store'], ['面馆', 'noodle shop'], ['水果店', 'fruit shop'],
  ['药房', 'pharmacy'], ['洗衣店', 'laundry'], ['花店', 'florist'], ['烟酒店', 'tobacco & liquor'],
  ['咖啡馆', 'café'], ['点心店', 'dim sum'], ['小吃店', 'snack bar'], ['五金店', 'hardware'],
  ['美甲店', 'nail salon'], ['早餐店', 'breakfast'], ['餐厅', 'restaurant'], ['文具店', 'stationery'],
  ['眼镜店', 'optician'], ['房产中介', 'estate agent'], ['手机维修', 'phone repair'], ['烘焙坊', 'bakery'],
] as const;

export const SHOP_PREFIXES = [
  '老王', '阿强', '金福', '好运', '家家乐', '虹桥', '古北', '小杨', '大华', '新华', '永和', '红宝石', '兰州',
  '沙县', '丽丽', '美佳', '康健', '百姓', '福满', '顺心', '鑫鑫', '一品', '江南', '阿婆', '老上海', '东方',
];

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '建华', '国强', '海燕', '志明'];
