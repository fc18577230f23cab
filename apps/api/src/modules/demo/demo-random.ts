/** Deterministic randomness for the demo: the same seed draws the same city on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Common surnames, weighted roughly by frequency (repeats), and given-name characters.
const SURNAMES =
  '王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰晨曦子涵浩然欣怡梓轩雨桐思远文博佳怡宇航俊杰婷婷嘉怡一鸣梦琪雅静鑫磊海燕红梅德明永强春华秋云凤英立新卫东';

export function chineseName(r: () => number): string {
  const s = SURNAMES[Math.floor(r() * SURNAMES.length)];
  const n = r() < 0.35 ? 1 : 2;
  let g = '';
  for (let i = 0; i < n; i++) g += GIVEN[Math.floor(r() * GIVEN.length)];
  return s + g;
}

/** A synthetic mobile number: random digits, never taken from real data. */
export function syntheticPhone(r: () => number): string {
  return '1999' + String(Math.floor(r() * 1e7)).padStart(7, '0');
}
