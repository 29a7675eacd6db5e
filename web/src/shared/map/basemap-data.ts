/**
 * The offline basemap: road centre lines (WGS-84) of Hongqiao and Xianxia Xincun, copied from
 * src/domain/demo/hongqiao.ts, so the map reads right with no tile server and no internet.
 */
export interface BaseRoad {
  name: string;
  nameEn: string;
  line: [number, number][]; // [lng, lat]
}
export interface BaseArea {
  name: string;
  nameEn: string;
  extent: { minLng: number; maxLng: number; minLat: number; maxLat: number };
}

export const BASE_AREAS: BaseArea[] = [
  { name: '虹桥街道', nameEn: 'Hongqiao', extent: { minLng: 121.398, maxLng: 121.429, minLat: 31.193, maxLat: 31.213 } },
  { name: '仙霞新村街道', nameEn: 'Xianxia Xincun', extent: { minLng: 121.384, maxLng: 121.398, minLat: 31.205, maxLat: 31.218 } },
];

const road = (name: string, nameEn: string, from: [number, number], to: [number, number]): BaseRoad => ({ name, nameEn, line: [from, to] });

export const BASE_ROADS: BaseRoad[] = [
  road('延安西路', "Yan'an West Rd", [121.399, 31.2062], [121.428, 31.2071]),
  road('虹桥路', 'Hongqiao Rd', [121.399, 31.1958], [121.428, 31.1972]),
  road('仙霞路', 'Xianxia Rd', [121.384, 31.2095], [121.419, 31.2104]),
  road('遵义路', 'Zunyi Rd', [121.4132, 31.1945], [121.4138, 31.2125]),
  road('古北路', 'Gubei Rd', [121.4031, 31.1945], [121.4036, 31.2125]),
  road('安顺路', 'Anshun Rd', [121.4212, 31.1975], [121.4219, 31.206]),
  road('中山西路', 'Zhongshan West Rd', [121.4262, 31.196], [121.4275, 31.212]),
  road('水城南路', 'Shuicheng South Rd', [121.4092, 31.195], [121.4096, 31.206]),
  road('伊犁路', 'Yili Rd', [121.407, 31.1955], [121.4074, 31.2058]),
  road('荣华东道', 'Ronghua East Ave', [121.404, 31.1995], [121.4128, 31.1999]),
  road('黄金城道', 'Huangjincheng Ave', [121.404, 31.2022], [121.4128, 31.2026]),
  road('茅台路', 'Maotai Rd', [121.4, 31.2112], [121.418, 31.2118]),
  road('虹古路', 'Honggu Rd', [121.399, 31.203], [121.403, 31.2033]),
  road('玉屏南路', 'Yuping South Rd', [121.4175, 31.207], [121.4179, 31.2118]),
  road('威宁路', 'Weining Rd', [121.3905, 31.2055], [121.3912, 31.2175]),
  road('哈密路', 'Hami Rd', [121.386, 31.206], [121.3866, 31.217]),
  road('天山路', 'Tianshan Rd', [121.384, 31.215], [121.3975, 31.216]),
];

/** Where the map opens when there is nothing to fit. */
export const DEFAULT_VIEW = { lng: 121.41, lat: 31.204, zoom: 14 };
