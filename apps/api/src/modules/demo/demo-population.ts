import type * as FakerModule from '@faker-js/faker' with { 'resolution-mode': 'import' };
import { residentIdCheckChar, usccCheckChar } from '@gc/contracts';
import { rng } from './demo-random';

// faker ships ESM only: Node (≥ 20.19) loads it with require(esm); jest transforms it (jest.config.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fakerZH_CN: faker } = require('@faker-js/faker') as typeof FakerModule;

/**
 * The synthetic population of the demo city, drawn in Node (names, ID numbers, household
 * make-up) and written in bulk by DemoPopulationRepository. Nothing here is real personal data:
 * names come from faker's zh_CN lists, ID numbers are made up (valid GB 11643 check digit,
 * the district's region code), phones use a synthetic range. Every row's external_id starts
 * with `demo-`.
 *
 * Scale: a sample of the grids' synthetic household counts (properties.households), so that
 * the first boot stays quick: about one sampled household per HOUSEHOLD_SAMPLE households.
 */
export const HOUSEHOLD_SAMPLE = 220;

export interface DemoGrid {
  id: number;
  code: string;
  households: number;
}

export interface PlaceSpec {
  ext: string;
  gridId: number;
  kind: 'compound' | 'shop' | 'school' | 'rental_housing' | 'building';
  name: string;
  address: string;
  compound: string | null;
  building: string | null;
  /** buildings: the compound they stand in */
  parentExt: string | null;
}
export interface PersonSpec {
  ext: string;
  name: string;
  idNumber: string;
  phone: string | null;
  gender: 'male' | 'female';
  birthDate: string;
  householdNo: string;
  householdRole: string;
  registration: 'registered' | 'floating';
  placeExt: string;
  tags: string[];
}
export interface ObjectSpec {
  ext: string;
  gridId: number;
  category: string;
  name: string;
  condition: string;
  department: string;
}
export interface OrgSpec {
  ext: string;
  kind: 'company' | 'shop' | 'social_org' | 'party_org' | 'property_mgmt';
  name: string;
  uscc: string | null;
  placeExt: string;
  contactName: string;
  contactPhone: string;
}
export interface Population {
  places: PlaceSpec[];
  buildings: PlaceSpec[];
  people: PersonSpec[];
  objects: ObjectSpec[];
  orgs: OrgSpec[];
}

const COMPOUND_HEAD = '金陵 秦淮 钟山 玄武 紫金 莫愁 石城 龙蟠 虎踞 凤凰 梅园 清凉 长江 滨江 雨花 东郊 仙林 翠屏 江南 银城 绿地 万科 朗诗 苏宁 栖霞 方山 百家湖 将军 丽景 锦绣 阳光 幸福 和平 光华'.split(' ');
const COMPOUND_TAIL = '花园 小区 新村 家园 苑 公寓 名城 雅居 山庄 嘉园 新寓 华府'.split(' ');
const SHOP_KIND = '便利店 超市 水果店 面馆 小吃店 药房 理发店 五金店 烟酒店 早餐店 奶茶店 干洗店 快递驿站 鸭血粉丝汤'.split(' ');
const SCHOOL_KIND = ['小学', '中学', '幼儿园'];
const ROLES_BY_SIZE: Record<number, string[]> = { 1: ['户主'], 2: ['户主', '配偶'], 3: ['户主', '配偶', '子女'], 4: ['户主', '配偶', '子女', '子女'], 5: ['户主', '配偶', '子女', '父母', '父母'] };
/** Home regions of floating residents (real county codes of neighbouring provinces). */
const FLOATING_REGIONS = ['341102', '341122', '340104', '320322', '321302', '340221', '410102', '360102'];

/** City components by catalogue code: [code, name, department, weight]. */
const OBJECT_KINDS: [string, string, string, number][] = [
  ['0101', '上水井盖', 'water', 10],
  ['0102', '污水井盖', 'water', 10],
  ['0103', '电力井盖', 'city_management', 5],
  ['0104', '消防栓', 'emergency', 6],
  ['0105', '路灯', 'city_management', 18],
  ['0106', '监控电子眼', 'public_security', 6],
  ['0201', '交通标志牌', 'transport', 5],
  ['0203', '护栏', 'transport', 4],
  ['0204', '公交站亭', 'transport', 2],
  ['0301', '垃圾箱', 'city_management', 16],
  ['0302', '公共厕所', 'city_management', 2],
  ['0401', '行道树', 'landscaping', 14],
  ['0402', '绿地', 'landscaping', 2],
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function weighted<T>(r: () => number, xs: readonly (readonly [T, number])[]): T {
  const total = xs.reduce((s, x) => s + x[1], 0);
  let u = r() * total;
  for (const [v, w] of xs) if ((u -= w) < 0) return v;
  return xs[xs.length - 1][0];
}

/** Poisson-ish count with mean m (at least `min`). */
function around(r: () => number, m: number, min = 0): number {
  return Math.max(min, Math.floor(m) + (r() < m - Math.floor(m) ? 1 : 0));
}

/** A synthetic resident ID: region + birth date + sequence (odd for men) + GB 11643 check character. */
export function syntheticResidentId(region: string, birth: string, seq: number, gender: 'male' | 'female'): string {
  const n = (seq % 500) * 2 + (gender === 'male' ? 1 : 0);
  const first17 = region + birth.replace(/-/g, '') + String(n).padStart(3, '0');
  return first17 + residentIdCheckChar(first17);
}

/** A synthetic unified social credit code with a valid GB 32100 check character. */
export function syntheticUscc(region: string, r: () => number): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = '';
  for (let i = 0; i < 9; i++) body += alphabet[Math.floor(r() * alphabet.length)];
  const first17 = '91' + region + body;
  return first17 + usccCheckChar(first17);
}

function phone(r: () => number): string {
  return '1999' + String(Math.floor(r() * 1e7)).padStart(7, '0');
}

function isoDate(year: number, r: () => number): string {
  const d = new Date(Date.UTC(year, 0, 1) + Math.floor(r() * 365) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Special-care tags with their rough shares among residents (besides elderly living alone, decided by household). */
const TAG_SHARES: [string, number][] = [
  ['disabled', 0.025],
  ['low_income', 0.02],
  ['veteran', 0.015],
  ['severe_mental_illness', 0.004],
  ['community_correction', 0.0008],
  ['drug_rehab', 0.0005],
];

export function buildPopulation(grids: DemoGrid[], today = new Date(), seed = 8): Population {
  const r = rng(seed);
  faker.seed(seed);
  const year = today.getUTCFullYear();
  const pop: Population = { places: [], buildings: [], people: [], objects: [], orgs: [] };
  const usedIds = new Set<string>();
  const usedUscc = new Set<string>();
  let seq = 0;
  const uscc = (region: string) => {
    let u = syntheticUscc(region, r);
    while (usedUscc.has(u)) u = syntheticUscc(region, r);
    usedUscc.add(u);
    return u;
  };

  for (const g of grids) {
    const district = g.code.slice(0, 6);
    const h = g.households;
    const compounds: { ext: string; name: string; buildings: string[] }[] = [];
    const nCompounds = Math.max(1, Math.round(h / 400));
    for (let c = 1; c <= nCompounds; c++) {
      const name = pick(r, COMPOUND_HEAD) + pick(r, COMPOUND_TAIL);
      const ext = `demo-p-${g.code}-c${c}`;
      const road = faker.location.street();
      pop.places.push({ ext, gridId: g.id, kind: 'compound', name, address: `${road}${1 + Math.floor(r() * 300)}号${name}`, compound: name, building: null, parentExt: null });
      const buildings: string[] = [];
      const nb = 2 + Math.floor(r() * 2);
      for (let b = 1; b <= nb; b++) {
        const bext = `${ext}-b${b}`;
        pop.buildings.push({ ext: bext, gridId: g.id, kind: 'building', name: `${name}${b}栋`, address: `${name}${b}栋`, compound: name, building: `${b}栋`, parentExt: ext });
        buildings.push(bext);
      }
      compounds.push({ ext, name, buildings });
      if (r() < 0.7)
        pop.orgs.push({
          ext: `demo-o-${g.code}-pm${c}`,
          kind: 'property_mgmt',
          name: `南京${faker.person.lastName()}氏物业管理有限公司${name}服务处`,
          uscc: uscc(district),
          placeExt: ext,
          contactName: faker.person.fullName(),
          contactPhone: phone(r),
        });
    }
    const nShops = around(r, h / 400);
    for (let s = 1; s <= nShops; s++) {
      const name = `${faker.person.lastName()}记${pick(r, SHOP_KIND)}`;
      const ext = `demo-p-${g.code}-s${s}`;
      pop.places.push({ ext, gridId: g.id, kind: 'shop', name, address: `${faker.location.street()}${1 + Math.floor(r() * 200)}号`, compound: null, building: null, parentExt: null });
      pop.orgs.push({ ext: `demo-o-${g.code}-s${s}`, kind: 'shop', name, uscc: r() < 0.8 ? uscc(district) : null, placeExt: ext, contactName: faker.person.fullName(), contactPhone: phone(r) });
    }
    if (r() < h / 5600) {
      const name = `${compounds[0].name.slice(0, 2)}${pick(r, SCHOOL_KIND)}`;
      pop.places.push({ ext: `demo-p-${g.code}-school`, gridId: g.id, kind: 'school', name, address: `${faker.location.street()}${1 + Math.floor(r() * 100)}号`, compound: null, building: null, parentExt: null });
    }
    if (r() < 0.35) {
      pop.places.push({
        ext: `demo-p-${g.code}-rent`,
        gridId: g.id,
        kind: 'rental_housing',
        name: `${compounds[0].name}出租屋`,
        address: `${compounds[0].name}${1 + Math.floor(r() * 9)}栋${101 + Math.floor(r() * 20)}室`,
        compound: compounds[0].name,
        building: null,
        parentExt: null,
      });
    }
    if (r() < 0.25)
      pop.orgs.push({ ext: `demo-o-${g.code}-co`, kind: 'company', name: faker.company.name(), uscc: uscc(district), placeExt: compounds[0].ext, contactName: faker.person.fullName(), contactPhone: phone(r) });
    if (g.code.endsWith('001') && r() < 0.5)
      pop.orgs.push({ ext: `demo-o-${g.code}-so`, kind: 'social_org', name: `${compounds[0].name}志愿者协会`, uscc: null, placeExt: compounds[0].ext, contactName: faker.person.fullName(), contactPhone: phone(r) });
    if (g.code.endsWith('001'))
      pop.orgs.push({ ext: `demo-o-${g.code}-pa`, kind: 'party_org', name: `${compounds[0].name}党支部`, uscc: null, placeExt: compounds[0].ext, contactName: faker.person.fullName(), contactPhone: phone(r) });

    // Households: a sample of the grid's households, each in a building of one of its compounds.
    const nHouseholds = around(r, h / HOUSEHOLD_SAMPLE, 1);
    for (let k = 1; k <= nHouseholds; k++) {
      const home = pick(r, compounds);
      const placeExt = pick(r, home.buildings);
      const size = weighted(r, [
        [1, 20],
        [2, 30],
        [3, 28],
        [4, 14],
        [5, 8],
      ] as const);
      const floating = r() < 0.22;
      const region = floating ? pick(r, FLOATING_REGIONS) : district;
      const headAge = size === 1 ? (r() < 0.4 ? 65 + Math.floor(r() * 25) : 22 + Math.floor(r() * 40)) : 25 + Math.floor(r() * 42);
      const householdNo = `demo-H${g.code}${String(k).padStart(3, '0')}`;
      const surname = faker.person.lastName();
      const roles = ROLES_BY_SIZE[size];
      roles.forEach((role, i) => {
        const age =
          role === '户主'
            ? headAge
            : role === '配偶'
              ? Math.max(20, headAge + Math.floor(r() * 7) - 3)
              : role === '子女'
                ? Math.max(0, Math.min(headAge - 22, Math.floor(r() * Math.max(1, headAge - 20))))
                : headAge + 24 + Math.floor(r() * 8);
        const gender: 'male' | 'female' = role === '配偶' ? (r() < 0.9 ? 'female' : 'male') : r() < 0.5 ? 'male' : 'female';
        const birthDate = isoDate(year - 1 - age, r);
        let idNumber = syntheticResidentId(region, birthDate, seq++, gender);
        while (usedIds.has(idNumber)) idNumber = syntheticResidentId(region, birthDate, seq++, gender);
        usedIds.add(idNumber);
        const tags: string[] = [];
        if (size === 1 && age >= 65) tags.push('elderly_alone');
        if (age < 16 && floating === false && r() < 0.03) tags.push('left_behind_child');
        for (const [tag, share] of TAG_SHARES) if (age >= 18 && r() < share) tags.push(tag);
        const given = faker.person.firstName(gender);
        pop.people.push({
          ext: `demo-${householdNo.slice(5)}-${i + 1}`,
          name: (role === '户主' || role === '子女' ? surname : faker.person.lastName()) + given,
          idNumber,
          phone: age >= 14 ? phone(r) : null,
          gender,
          birthDate,
          householdNo,
          householdRole: role,
          registration: floating ? 'floating' : 'registered',
          placeExt,
          tags,
        });
      });
    }

    // City components: about one per 150 households, by catalogue weights.
    const nObjects = around(r, h / 150, 2);
    for (let o = 1; o <= nObjects; o++) {
      const [category, name, department] = weighted(
        r,
        OBJECT_KINDS.map((k) => [k, k[3]] as const),
      );
      const u = r();
      pop.objects.push({ ext: `demo-obj-${g.code}-${o}`, gridId: g.id, category, name: `${name}${g.code.slice(-6)}-${o}`, condition: u < 0.95 ? 'intact' : u < 0.985 ? 'damaged' : 'lost', department });
    }
  }
  return pop;
}
