// The four kinds of text `npm run bench:guard` scans: business prose in English and Chinese, source code
// with `.env` lines, and JSON tool results, with sensitive values planted at a known rate.
import { ALNUM, HEX, type Rng, UPPER_NUM } from "./corpus-rng.js";
import {
  awsKeyId,
  bankCard,
  email,
  FIRST,
  mobile,
  openAiKey,
  privateIp,
  residentId,
  usPhone,
} from "./corpus-sensitive.js";

/** One generated document and how many sensitive values were deliberately put in it. */
export interface Doc {
  text: string;
  planted: number;
}

const EN_WORDS = (
  "the of and to in is that for it as with was on be by this are at from or have an they which one you " +
  "were her all she there would their we him been has when who will more no if out so said what up its " +
  "about into than them can only other new some could time these two may then do first any my now such " +
  "like our over man me even most made after also did many before must through back years where much your " +
  "way well down should because each just those people how too little state good very make world still own " +
  "see men work long get here between both life being under never day same another know while last might " +
  "us great old year off come since against go came right used take three service request customer account " +
  "order invoice release deploy model prompt cache latency server client report meeting quarter budget team"
).split(" ");

export function englishSentence(r: Rng): string {
  const n = 8 + r.int(14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(r.pick(EN_WORDS));
  if (r.chance(0.15)) words.splice(r.int(n), 0, r.pick(["2024", "3.5%", "v1.2.3", "$1,250", "42", "Q3"]));
  const s = words.join(" ");
  return s[0]!.toUpperCase() + s.slice(1) + r.pick([".", ".", ".", "?", "!"]);
}

/** Business English; by default about one email, phone or IP per 3 KB. */
export function englishDoc(r: Rng, bytes: number, density = 0.12): Doc {
  let text = "";
  let planted = 0;
  while (text.length < bytes) {
    const paragraph: string[] = [];
    const sentences = 3 + r.int(5);
    for (let i = 0; i < sentences; i++) paragraph.push(englishSentence(r));
    if (r.chance(density)) {
      planted++;
      const which = r.int(3);
      paragraph.push(
        which === 0
          ? `Please reach ${r.pick(FIRST)} at ${email(r)} before Friday.`
          : which === 1
            ? `Call the front desk on ${usPhone(r)} if the door is locked.`
            : `The staging box is ${privateIp(r)} until the migration ends.`,
      );
    }
    text += paragraph.join(" ") + "\n\n";
  }
  return { text, planted };
}

const ZH_CHARS =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面" +
  "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性" +
  "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第" +
  "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管" +
  "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处" +
  "客户订单合同金额付款发票服务系统模型请求缓存延迟报告会议季度预算团队";
const ZH_PUNCT = ["，", "，", "、", "；"];

function chineseSentence(r: Rng): string {
  const n = 12 + r.int(24);
  let s = "";
  for (let i = 0; i < n; i++) {
    s += ZH_CHARS[r.int(ZH_CHARS.length)];
    if (i > 3 && i < n - 3 && r.chance(0.08)) s += r.pick(ZH_PUNCT);
  }
  if (r.chance(0.15)) s += r.pick(["2024年3月5日", "共计1250元", "第3季度", "增长12.5%"]);
  return s + r.pick(["。", "。", "。", "？", "！"]);
}

/** Chinese business prose; about one resident ID, mobile, card or email per 2 KB (UTF-8). */
export function chineseDoc(r: Rng, bytes: number): Doc {
  let text = "";
  let planted = 0;
  while (Buffer.byteLength(text) < bytes) {
    const sentences = 3 + r.int(5);
    for (let i = 0; i < sentences; i++) text += chineseSentence(r);
    if (r.chance(0.2)) {
      planted++;
      const which = r.int(4);
      text +=
        which === 0
          ? `客户身份证号：${residentId(r)}，请核对。`
          : which === 1
            ? `联系电话：${mobile(r)}。`
            : which === 2
              ? `退款账户 ${bankCard(r)}，开户行为招商银行。`
              : `邮箱 ${email(r)} 已确认。`;
    }
    text += "\n\n";
  }
  return { text, planted };
}

export const IDENTS = [
  "user",
  "order",
  "client",
  "config",
  "result",
  "payload",
  "retries",
  "cache",
  "session",
  "row",
];

function codeLine(r: Rng, indent: number): string {
  const a = r.pick(IDENTS);
  const b = r.pick(IDENTS);
  const pad = "  ".repeat(indent);
  switch (r.int(10)) {
    case 0:
      return `${pad}const ${a} = await ${b}.fetch(\`/api/v2/${a}s/\${id}\`, { timeout: ${1000 * (1 + r.int(30))} });`;
    case 1:
      return `${pad}if (${a}.status !== ${r.pick([200, 201, 404, 500])}) throw new Error(\`${b} failed: \${${a}.status}\`);`;
    case 2:
      return `${pad}for (let i = 0; i < ${a}.length; i++) ${b}.push(${a}[i] * ${r.int(100)});`;
    case 3:
      return `${pad}// TODO(${r.pick(FIRST)}): handle the ${a} case when ${b} is empty`;
    case 4:
      return `${pad}export function ${a}To${b[0]!.toUpperCase()}${b.slice(1)}(${a}: ${r.pick(["string", "number", "Row"])}) {`;
    case 5:
      return `${pad}return { ...${a}, ${b}: ${a}.${b} ?? null, color: "#${r.chars(HEX, 6)}" };`;
    case 6:
      return `${pad}logger.info({ ${a}, elapsedMs: performance.now() - t0 }, "${b} done");`;
    case 7:
      return `${pad}${a}.set("${b}", ${r.int(65536)});`;
    case 8:
      return `${pad}const ${a}Id = "${r.chars(HEX, 8)}-${r.chars(HEX, 4)}-${r.chars(HEX, 4)}-${r.chars(HEX, 4)}-${r.chars(HEX, 12)}";`;
    default:
      return `${pad}}`;
  }
}

/** A `.env` file as pasted into a prompt: four secrets among ordinary settings. */
export function envBlock(r: Rng): Doc {
  const lines = [
    "# .env",
    "NODE_ENV=production",
    `PORT=${8000 + r.int(1000)}`,
    `DATABASE_URL=postgres://app:${r.chars(ALNUM, 20)}@db.internal:5432/app`,
    `OPENAI_API_KEY=${openAiKey(r)}`,
    `AWS_ACCESS_KEY_ID=${awsKeyId(r)}`,
    `AWS_SECRET_ACCESS_KEY=${r.chars(ALNUM + "/+", 40)}`,
    "LOG_LEVEL=info",
    "FEATURE_FLAGS=search,export",
  ];
  return { text: lines.join("\n") + "\n", planted: 4 };
}

/** TypeScript-ish source; a `.env` block in about one file in three. */
export function codeDoc(r: Rng, bytes: number): Doc {
  let text = `// src/${r.pick(IDENTS)}/${r.pick(IDENTS)}.ts\nimport { ${r.pick(IDENTS)} } from "./${r.pick(IDENTS)}.js";\n\n`;
  let planted = 0;
  let envAt = r.chance(0.35) ? r.int(bytes) : -1;
  while (text.length < bytes) {
    if (envAt >= 0 && text.length >= envAt) {
      const env = envBlock(r);
      text += "```\n" + env.text + "```\n";
      planted += env.planted;
      envAt = -1;
    }
    text += codeLine(r, r.int(4)) + "\n";
  }
  return { text, planted };
}

/** One row of a tool result (an orders query); a customer email in one row in twelve. */
function orderRow(r: Rng, id: number): [row: Record<string, unknown>, planted: number] {
  const withEmail = r.chance(1 / 12);
  const row: Record<string, unknown> = {
    id,
    sku: `SKU-${r.chars(UPPER_NUM, 6)}`,
    quantity: 1 + r.int(20),
    unit_price: Math.round(r.next() * 50000) / 100,
    currency: r.pick(["USD", "CNY", "EUR"]),
    status: r.pick(["paid", "shipped", "refunded", "pending"]),
    created_at: `2024-${String(1 + r.int(12)).padStart(2, "0")}-${String(1 + r.int(28)).padStart(2, "0")}T${String(r.int(24)).padStart(2, "0")}:${String(r.int(60)).padStart(2, "0")}:00Z`,
    warehouse: r.pick(["SHA-2", "SFO-1", "FRA-3"]),
    note: r.chance(0.3) ? englishSentence(r) : null,
  };
  if (withEmail) row.customer_email = email(r);
  return [row, withEmail ? 1 : 0];
}

/** A JSON tool result as a string: a page of order rows. */
export function jsonDoc(r: Rng, bytes: number): Doc {
  const rows: Record<string, unknown>[] = [];
  let planted = 0;
  let size = 40;
  let id = 100_000 + r.int(800_000);
  while (size < bytes) {
    const [row, p] = orderRow(r, id++);
    planted += p;
    rows.push(row);
    size += JSON.stringify(row).length + 1;
  }
  return {
    text: JSON.stringify({ rows, total: rows.length * 7, page: 1, next_cursor: r.chars(ALNUM, 24) }),
    planted,
  };
}
