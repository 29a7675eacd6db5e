import type { SiteKind } from '../../db/schema.js';

/**
 * Starting checklists, drawn from Shanghai's published bin-room and shop requirements
 * (four containers, signage, timed disposal with an attendant, collection contract).
 * Administrators edit them as new versions in the console.
 */
export interface TemplateItem {
  code: string;
  text: string;
  textEn: string;
  photoRequiredOnFail: boolean;
}

export const CHECKLIST_TEMPLATES: Record<SiteKind, { name: string; nameEn: string; items: TemplateItem[] }> = {
  bin_room: {
    name: '箱房日常检查表',
    nameEn: 'Bin room daily checklist',
    items: [
      { code: 'BR-CONTAINERS', text: '四分类容器齐全且标识清晰（可回收物、有害垃圾、湿垃圾、干垃圾）', textEn: 'All four sorting containers present and labelled', photoRequiredOnFail: true },
      { code: 'BR-SIGNAGE', text: '分类投放指引及开放时间公示牌完好', textEn: 'Sorting guide and opening-hours sign in place', photoRequiredOnFail: true },
      { code: 'BR-OVERFLOW', text: '容器无满溢', textEn: 'No overflowing containers', photoRequiredOnFail: true },
      { code: 'BR-MIXED', text: '无混投、无混装袋', textEn: 'No mixed waste or mixed bags', photoRequiredOnFail: true },
      { code: 'BR-CLEAN', text: '箱房及周边整洁无堆物、无异味', textEn: 'Bin room and surroundings clean, no piles or odour', photoRequiredOnFail: true },
      { code: 'BR-ATTENDANT', text: '投放时段有志愿者或保洁员值守', textEn: 'Attendant present during disposal hours', photoRequiredOnFail: false },
      { code: 'BR-HANDWASH', text: '洗手设施可用', textEn: 'Hand-washing point working', photoRequiredOnFail: false },
    ],
  },
  shop: {
    name: '沿街商铺检查表',
    nameEn: 'Street shop checklist',
    items: [
      { code: 'SH-CONTAINERS', text: '按经营类型设置分类容器', textEn: 'Sorting containers suited to the business', photoRequiredOnFail: true },
      { code: 'SH-SIGNAGE', text: '分类标识张贴规范', textEn: 'Sorting signage posted', photoRequiredOnFail: true },
      { code: 'SH-CONTRACT', text: '已签订生活垃圾收运合同', textEn: 'Waste collection contract signed', photoRequiredOnFail: false },
      { code: 'SH-HANDOVER', text: '分类交付，无混装', textEn: 'Waste handed over sorted, not mixed', photoRequiredOnFail: true },
      { code: 'SH-FRONTAGE', text: '门责区域无乱堆乱放', textEn: 'Shop frontage free of dumped waste', photoRequiredOnFail: true },
      { code: 'SH-LEDGER', text: '台账记录完整（餐饮类）', textEn: 'Waste ledger kept (food businesses)', photoRequiredOnFail: false },
    ],
  },
  institution: {
    name: '社区单位检查表',
    nameEn: 'Community unit checklist',
    items: [
      { code: 'IN-CONTAINERS', text: '分类容器配置到位', textEn: 'Sorting containers in place', photoRequiredOnFail: true },
      { code: 'IN-SIGNAGE', text: '分类宣传及标识到位', textEn: 'Sorting publicity and signage in place', photoRequiredOnFail: true },
      { code: 'IN-MANAGER', text: '明确分类管理责任人', textEn: 'Named person responsible for sorting', photoRequiredOnFail: false },
      { code: 'IN-CONTRACT', text: '与收运单位签订合同', textEn: 'Collection contract with a licensed hauler', photoRequiredOnFail: false },
      { code: 'IN-HANDOVER', text: '分类交付，无混装混运', textEn: 'Sorted handover, no mixed loading', photoRequiredOnFail: true },
      { code: 'IN-HAZARDOUS', text: '有害垃圾单独收集存放', textEn: 'Hazardous waste collected and stored separately', photoRequiredOnFail: true },
    ],
  },
};
