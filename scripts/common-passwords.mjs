// Regenerates src/domain/auth/common-passwords.ts: the list of common and leaked passwords a new
// password is checked against (docs/security.md, "Passwords"). Deterministic: same list every run.
//
// Two parts: (1) passwords that top the published rankings of leaked passwords — the English
// lists and the Chinese leaks (CSDN 2011, 天涯/Tianya, 12306, 163/126 mail) — and (2) the shapes
// those rankings are made of, combined: common bases (words, pinyin, names, keyboard walks,
// number runs, lucky numbers, dates) with common suffixes. Only what could pass the length rule
// (12 characters or more) is worth shipping: shorter passwords are refused by length alone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN = 12;
const TARGET = 10_000;
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/domain/auth/common-passwords.ts');

// (1) Well-known leaked passwords of 12+ characters (lower-cased; matching ignores case).
const LEAKED = `
123456789012 1234567890123 12345678901234 123456789123 1234567890qwe 123456789abc 123456789asd
123456789qwe 123456789aaa 1234567890abc 1234567890ab 123456123456 123123123123 111111111111
000000000000 888888888888 666666666666 999999999999 123321123321 112233445566 147258369147
147258369258 1qaz2wsx3edc 1qaz2wsx3edc4rfv 1q2w3e4r5t6y 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i
qazwsxedcrfv qazwsxedcrfvtgb qwertyuiop12 qwertyuiop123 qwertyuiop[] qwertyuiopasdf qwerty123456
qwerty1234567 qwertyqwerty asdfghjkl123 asdfghjkl;' asdfghjkl1234 zxcvbnm12345 zxcvbnm123456
zxcvbnmasdfghjkl 1234qwerasdf 1234qwerasdfzxcv qwer1234asdf asdf1234qwer abcd12345678 abc123456789
abcdefghijkl abcdefg12345 a12345678901 a123456789012 aa1234567890 password1234 password12345
password123456 passwordpassword password1234! p@ssw0rd1234 p@ssword1234 iloveyou1234 iloveyou123456
iloveyouforever welcome12345 welcome123456 letmein12345 trustno112345 football1234 baseball1234
superman1234 administrator admin1234567 admin12345678 admin123456789 administrator1 administrator123
rootroot1234 root12345678 qq1234567890 qq123456789 woaini1314 woaini131452 woaini5201314
woaini1314520 woaini123456 woaini12345678 woaiwojia123 woaiwoziji123 wo5201314520 5201314520
52013145201314 1314520520 13145201314520 5201314woaini aini1314520 aini5201314 5211314521
woshishui123 woshiniba123 nishizhu123 wangyang123456 zhangwei123456 liuyang123456 chenjie123456
iloveyouwoaini caonima123456 shanghai123456 shanghai2026 beijing123456 zhongguo123456 zhongguo1949
china1234567 chinaren123 tianya123456 csdn12345678 dearbook12345 qiqiqiqiqiqi xiaoxiao1234
jiajia123456 huanhuan1234 ssssssssssss aaaaaaaaaaaa a1b2c3d4e5f6 1a2b3c4d5e6f 7758521abcd
77585217758521 5201314abc 1314520abc hello1234567 helloworld123 hellokitty123 dragon123456
monkey123456 sunshine1234 princess1234 michael12345 charlie12345 computer1234 internet1234
changeme1234 changeme12345 temp12345678 test12345678 testtest1234 guest1234567 user12345678
demo12345678 default12345 secret123456 mypassword12 mypassword123 goodluck1234 happy1234567
jordan232323 lovelove1234 loveyou12345 baobao123456 beibei123456 nihao1234567 nihao123456789
gaoxiaotong1 qazxswedcvfr qweasdzxc123 qweasdzxc1234 qweasdzxcqwe 1qazxsw23edc zaq12wsxcde3
!qaz2wsx3edc !qaz@wsx#edc 1qaz@wsx3edc qwe123qwe123 abc123abc123 asd123asd123 zxc123zxc123
`.split(/\s+/).filter(Boolean);

// (2) Shapes.
const WORDS = `password passw0rd p@ssword p@ssw0rd iloveyou welcome letmein trustno monkey dragon
sunshine princess football baseball superman batman master shadow michael jordan charlie computer
internet qwerty qwertyuiop asdfgh asdfghjkl zxcvbn zxcvbnm qazwsx qweasd qweasdzxc 1qaz2wsx
abc abcd abcdef admin administrator root system manager server test guest user demo default
changeme secret hello hellokitty love lover happy lucky goodluck flower summer winter spring autumn
woaini woaiwojia wojiushiwo woshishui aini wangwang woshinidie nihao laopo laogong baobao beibei
zhongguo china chinese beijing shanghai shenzhen guangzhou hangzhou nanjing tianjin chongqing
wuhan chengdu xiamen dalian qingdao hongqiao changning xujiahui pudong huangpu jingan minhang
zhang wang li liu chen yang zhao huang zhou wu xu sun ma zhu hu guo lin he gao luo zheng liang
xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei
su lu ding ren shen yao zhong jiang cui tan fan jin
zhangwei wangfang liwei liuyang wangwei wangjing lina zhangmin lijing chenjie wangyang liqiang
zhangjie liujie wanglei zhangyong lijun yangyang xiaoming xiaohong xiaoli xiaoyu tiantian
qiqi jiajia huanhuan lili nana tingting yingying dandan xinxin feifei lele
closeloop bihuan yiwangtongban yiwangtongguan chengguan zhifa juwei laji fenlei lajifenlei
wangge jiedao shequ gongzuo bangong zhengwu
`.split(/\s+/).filter(Boolean);

const NUMBERS = `1 12 123 1234 12345 123456 1234567 12345678 123456789 1234567890 0 00 000 0000
111 1111 111111 666 6666 666666 888 8888 888888 999 9999 520 521 1314 5201314 1314520
7758521 250 2008 2010 2012 2015 2018 2019 2020 2021 2022 2023 2024 2025 2026 2027
123123 321 321321 147258 147258369 159357 112233 11223344 010203 123654 654321 987654321
`.split(/\s+/).filter(Boolean);

const MARKS = ['', '!', '@', '.', '#', '!@#', '@123', '_123', '123!', '!!', '*', '?'];

const out = new Set();
const add = (p) => {
  const s = p.toLowerCase();
  if (s.length >= MIN && s.length <= 64) out.add(s);
};
LEAKED.forEach(add);

// Base + number run (+ mark), number run + base: the commonest shapes of every leak.
// Generated in order of likelihood (runs and marks as ranked in the leaks), cut at TARGET.
for (const n of NUMBERS) for (const w of WORDS) add(w + n);
for (const w of [...WORDS, ...NUMBERS]) { add(w + w); add(w + w + w); }
for (const m of MARKS.slice(1, 4)) for (const n of NUMBERS.slice(0, 12)) for (const w of WORDS) add(w + n + m);
for (const n of NUMBERS.slice(0, 12)) for (const w of WORDS) add(n + w);
// Birthdays: 19600101–20101231 in the digits-only and word-prefixed shapes (month-day kept real).
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const LEAD = ['woaini', 'zhang', 'wang', 'li', 'liu', 'chen', 'password', 'admin', 'love', 'abc', 'qq', 'a'];
for (let y = 1960; y <= 2010; y++) {
  for (let mo = 1; mo <= 12; mo++) {
    for (let d = 1; d <= DAYS[mo - 1]; d += 1) {
      const date = `${y}${String(mo).padStart(2, '0')}${String(d).padStart(2, '0')}`;
      if (d === 1 || d === 8 || d === 18 || d === 28) for (const l of LEAD) add(l + date);
    }
  }
}
// Mobile-number shapes of the 1990s–2000s leaks (13800138000 style) and their doubled forms.
for (const p of ['13800138000', '13888888888', '13666666666', '13912345678', '13812345678', '15888888888', '18888888888']) {
  add(p + '0'); add('qq' + p); add(p + 'a');
}

// Keep the list to TARGET entries, the likeliest first (insertion order), stored sorted.
const list = [...out].slice(0, TARGET).sort();

const header = `// Generated by scripts/common-passwords.mjs — do not edit by hand; docs/security.md says what is in it.
// ${list.length} common and leaked passwords of 12 or more characters, lower-cased.
`;
fs.writeFileSync(OUT, `${header}export const COMMON_PASSWORDS = \`\n${list.join('\n')}\n\`;\n`);
console.log(`${list.length} passwords → ${path.relative(process.cwd(), OUT)}`);
