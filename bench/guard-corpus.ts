// Deterministic text for `npm run bench:guard` (no network, no files): prose in English and Chinese, source code
// with `.env` lines, JSON tool results, and request bodies in the client dialects, with realistic sensitive
// values planted at a known rate. The same seed always yields the same bytes, so runs compare.
import { isBankCard, isCnResidentId } from "../src/guard/checksums.js";

/** mulberry32: small, fast, good enough to pick words. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += String(this.int(10));
    return out;
  }
  chars(alphabet: string, n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_NUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HEX = "0123456789abcdef";

// ---- sensitive values, each valid for its class ----

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const REGIONS = ["110105", "310104", "440305", "510107", "330106", "420102", "320106", "610113"];

/** A GB 11643 resident ID with a valid birth date and ISO 7064 MOD 11-2 check character. */
export function residentId(r: Rng): string {
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const body =
    r.pick(REGIONS) +
    String(1955 + r.int(50)) +
    pad(1 + r.int(12), 2) +
    pad(1 + r.int(28), 2) +
    pad(r.int(1000), 3);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  const id = body + "10X98765432"[sum % 11];
  if (!isCnResidentId(id)) throw new Error(`generated an invalid resident ID ${id}`);
  return id;
}

/** A mainland mobile number in one of the ways people write them. */
export function mobile(r: Rng): string {
  const n = r.pick(["138", "139", "135", "186", "150", "177", "199", "133"]) + r.digits(8);
  switch (r.int(4)) {
    case 0:
      return `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`;
    case 1:
      return `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`;
    case 2:
      return `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`;
    default:
      return n;
  }
}

/** A Luhn-valid 16-digit UnionPay-style card number, grouped by four. */
export function bankCard(r: Rng): string {
  const partial = "6222" + r.digits(11);
  for (let check = 0; check < 10; check++) {
    const card = partial + String(check);
    if (isBankCard(card)) return card.replace(/(\d{4})(?=\d)/g, "$1 ");
  }
  throw new Error("no Luhn check digit");
}

const FIRST = ["alice", "bob", "carol", "dave", "erin", "wei", "li.na", "zhang.wei", "wang.fang", "chen.jie"];
const LAST = ["smith", "jones", "garcia", "liu", "zhao", "sun", "brown", "miller", "wu", "lin"];
const DOMAINS = ["example.com", "example.cn", "mail.example.org", "corp.example.net", "qq.example.com"];

export function email(r: Rng): string {
  return `${r.pick(FIRST)}.${r.pick(LAST)}${r.int(100)}@${r.pick(DOMAINS)}`;
}

/** An OpenAI project key: `sk-proj-…T3BlbkFJ…`. */
export function openAiKey(r: Rng): string {
  return `sk-proj-${r.chars(ALNUM, 24)}T3BlbkFJ${r.chars(ALNUM, 24)}`;
}

export function awsKeyId(r: Rng): string {
  return `AKIA${r.chars(UPPER_NUM, 16)}`;
}

export function usPhone(r: Rng): string {
  return `+1 ${r.pick(["415", "212", "646", "206"])} 555 ${r.digits(4)}`;
}

export function privateIp(r: Rng): string {
  return `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`;
}

// ---- the four kinds of text ----

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

function englishSentence(r: Rng): string {
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

const IDENTS = [
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
function envBlock(r: Rng): Doc {
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

// ---- corpora ----

export interface Corpus {
  name: string;
  docs: string[];
  /** UTF-8 bytes. */
  bytes: number;
  planted: number;
}

function corpus(name: string, docs: Doc[]): Corpus {
  // Flat strings, as JSON.parse hands them to the guard (built by +=, they would be ropes).
  const texts = JSON.parse(JSON.stringify(docs.map((d) => d.text))) as string[];
  return {
    name,
    docs: texts,
    bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
    planted: docs.reduce((n, d) => n + d.planted, 0),
  };
}

type Generator = (r: Rng, bytes: number) => Doc;

/** Documents of 2–14 KB (the size of one message or tool result) until `total` bytes. */
function docs(r: Rng, make: Generator, total: number): Doc[] {
  const out: Doc[] = [];
  let size = 0;
  while (size < total) {
    const d = make(r, 2048 + r.int(12 * 1024));
    out.push(d);
    size += Buffer.byteLength(d.text);
  }
  return out;
}

export const MIXED_SHARES: readonly [string, Generator, number][] = [
  ["english", englishDoc, 0.35],
  ["chinese", chineseDoc, 0.2],
  ["code", codeDoc, 0.25],
  ["json", jsonDoc, 0.2],
];

/** The four corpora of `size` bytes each, and the mixed one (documents of all four, interleaved). */
export function corpora(size: number): Corpus[] {
  const r = new Rng(4);
  const out = [
    corpus("English prose", docs(r, englishDoc, size)),
    corpus("Chinese prose (CJK)", docs(r, chineseDoc, size)),
    corpus("source code + .env", docs(r, codeDoc, size)),
    corpus("JSON tool results", docs(r, jsonDoc, size)),
  ];
  const mixed: Doc[] = [];
  for (const [, make, share] of MIXED_SHARES) mixed.push(...docs(r, make, size * 2 * share));
  for (let i = mixed.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [mixed[i], mixed[j]] = [mixed[j]!, mixed[i]!];
  }
  out.push(corpus("mixed", mixed));
  return out;
}

const MB = 1 << 20;

/** Security catalogue H1: inputs built to make a careless regex backtrack. */
export function adversarial(): [string, string][] {
  return [
    ["1 MB of keykeykey…", "key".repeat(Math.ceil(MB / 3))],
    ["1 MB of aaaa…", "a".repeat(MB)],
    ["token= + 1 MB", `token=${"x".repeat(MB)}`],
    ["-----BEGIN PRIVATE KEY----- + 1 MB", `-----BEGIN PRIVATE KEY-----${"A".repeat(MB)}`],
    ["1 MB of digits", "1234567890".repeat(MB / 10)],
    ["1 MB of `1234 ` groups", "1234 ".repeat(MB / 5)],
    ["1 MB of a@a@…", "a@".repeat(MB / 2)],
    ["1 MB of a:a:…", "a:".repeat(MB / 2)],
    ["1 MB of sk-sk-…", "sk-".repeat(Math.ceil(MB / 3))],
  ];
}

// ---- request bodies ----

export interface RequestBody {
  name: string;
  raw: string;
}

/** OpenAI Chat Completions, ~20 KB: a system prompt and a few turns, one with code and one in Chinese. */
export function openAiChat(r: Rng): RequestBody {
  const body = {
    model: "gpt-4o",
    temperature: 0.2,
    max_tokens: 1024,
    messages: [
      { role: "system", content: englishDoc(r, 1500).text },
      { role: "user", content: englishDoc(r, 3000).text },
      { role: "assistant", content: englishDoc(r, 3000).text },
      {
        role: "user",
        content: [
          { type: "text", text: "Why does this fail in production?\n\n" },
          { type: "text", text: codeDoc(r, 5000).text + "\n" + envBlock(r).text },
        ],
      },
      { role: "assistant", content: englishDoc(r, 2000).text },
      { role: "user", content: chineseDoc(r, 5000).text },
    ],
  };
  return { name: "OpenAI chat, 6 messages", raw: JSON.stringify(body) };
}

/** Anthropic Messages with tools: tool_use inputs and tool_result JSON (decoded and scanned by the guard). */
export function anthropicTools(r: Rng): RequestBody {
  const messages: unknown[] = [{ role: "user", content: englishDoc(r, 1500).text }];
  for (let turn = 0; turn < 4; turn++) {
    const id = `toolu_${r.chars(ALNUM, 24)}`;
    messages.push({
      role: "assistant",
      content: [
        { type: "text", text: englishSentence(r) },
        {
          type: "tool_use",
          id,
          name: turn % 2 === 0 ? "query_orders" : "read_file",
          input:
            turn % 2 === 0 ? { status: "refunded", since: "2024-01-01", limit: 50 } : { path: "src/app.ts" },
        },
      ],
    });
    messages.push({
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: id,
          content: turn % 2 === 0 ? jsonDoc(r, 8000).text : [{ type: "text", text: codeDoc(r, 6000).text }],
        },
      ],
    });
  }
  messages.push({ role: "user", content: [{ type: "text", text: chineseDoc(r, 2000).text }] });
  const body = {
    model: "claude-sonnet-4-5",
    max_tokens: 4096,
    system: [{ type: "text", text: englishDoc(r, 2000).text, cache_control: { type: "ephemeral" } }],
    tools: [
      {
        name: "query_orders",
        description: "Query the orders table.",
        input_schema: {
          type: "object",
          properties: { status: { type: "string" }, since: { type: "string" }, limit: { type: "integer" } },
        },
      },
      {
        name: "read_file",
        description: "Read a file of the repository.",
        input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
      },
    ],
    messages,
  };
  return { name: "Anthropic, tool results", raw: JSON.stringify(body) };
}

/** An agent's context of ~200 KB: many OpenAI tool calls (JSON arguments) and tool outputs. */
export function agentContext(r: Rng): RequestBody {
  const messages: unknown[] = [
    { role: "system", content: englishDoc(r, 6000).text },
    { role: "user", content: englishDoc(r, 1000).text },
  ];
  let size = 0;
  let call = 0;
  while (size < 195 * 1024) {
    const id = `call_${r.chars(ALNUM, 24)}`;
    const kind = call++ % 3;
    const args =
      kind === 0
        ? { path: `src/${r.pick(IDENTS)}.ts` }
        : kind === 1
          ? { sql: "select * from orders where status = 'refunded' limit 50" }
          : { command: "grep -rn TODO src | head -50" };
    const output = kind === 0 ? codeDoc(r, 9000) : kind === 1 ? jsonDoc(r, 7000) : englishDoc(r, 3000);
    const turn = [
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id,
            type: "function",
            function: { name: ["read_file", "sql", "shell"][kind], arguments: JSON.stringify(args) },
          },
        ],
      },
      { role: "tool", tool_call_id: id, content: output.text },
    ];
    messages.push(...turn);
    size += JSON.stringify(turn).length;
  }
  messages.push({ role: "user", content: chineseDoc(r, 1500).text });
  const body = { model: "gpt-4.1", messages, tools: [], parallel_tool_calls: false };
  return { name: "agent context, OpenAI", raw: JSON.stringify(body) };
}

/** A typical chat request with a ~4 KB prompt; `withFindings` plants an email and a mobile number. */
export function typicalRequest(withFindings: boolean): string {
  const r = new Rng(7);
  const system = englishDoc(r, 900, 0).text.slice(0, 900);
  const user = englishDoc(r, 3000, 0).text.slice(0, 3000);
  const ask = withFindings
    ? `\nReply to ${email(r)} and text ${mobile(r)} when done.`
    : "\nReply to the whole team and text the lead when done.";
  return JSON.stringify({
    model: "bench-model",
    messages: [
      { role: "system", content: system },
      { role: "user", content: user + ask },
    ],
    max_tokens: 64,
  });
}
