/**
 * Data-protection guard detectors (security catalogue B15, B16, H1): a valid
 * vector and a near miss for every class, overlap resolution, and a linear-time
 * sanity check on 1 MB adversarial inputs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isBankCard, isCnResidentId, isCnUscc } from "../../src/guard/checksums.js";
import { type DataClass, detect } from "../../src/guard/detectors.js";

/** Returns [kind, matched text] for every finding. */
function found(text: string): [DataClass, string][] {
  return detect(text).map((f) => [f.kind, text.slice(f.start, f.end)]);
}

function expectOne(text: string, kind: DataClass, value: string): void {
  assert.deepEqual(found(`before ${text} after`), [[kind, value]], text);
}

function expectNone(text: string): void {
  assert.deepEqual(found(`before ${text} after`), [], text);
}

const HEX32 = "0123456789abcdef0123456789abcdef";
const ALNUM48 = "AbCdEfGh12AbCdEfGh12AbCdEfGh12AbCdEfGh12AbCdEfGh";
const OPENAI = "sk-proj-abcdEFGH1234abcdEFGH1234abcdT3BlbkFJabcdEFGH1234abcdEFGH1234";
const ANTHROPIC = `sk-ant-api03-${"aB3_-".repeat(18)}xYAA`;
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA PRIVATE KEY-----";

describe("guard detectors: checksums (catalogue B16 vectors)", () => {
  it("GB 11643 resident ID incl. X check digit and birth date", () => {
    assert.equal(isCnResidentId("11010519491231002X"), true);
    assert.equal(isCnResidentId("110105194912310021"), false);
    assert.equal(isCnResidentId("110105194913310027"), false, "month 13");
  });
  it("6212 3456 7890 1232 is Luhn-valid as given", () => {
    assert.equal(isBankCard("6212345678901232"), true);
    assert.equal(isBankCard("6212345678901233"), false);
  });
  it("91110000600037341L passes GB 32100 as given", () => {
    assert.equal(isCnUscc("91110000600037341L"), true);
    assert.equal(isCnUscc("91110000600037341M"), false);
  });
});

describe("guard detectors: secrets (B15)", () => {
  const valid: [DataClass, string][] = [
    ["secret.openai", OPENAI],
    ["secret.openai", "sk-abcdefghijklmnopqrstT3BlbkFJabcdefghijklmnopqrst"],
    ["secret.anthropic", ANTHROPIC],
    ["secret.aws", "AKIAIOSFODNN7EXAMPLE"],
    ["secret.aws", "ASIAIOSFODNN7EXAMPLE"],
    ["secret.github", `ghp_${"a1B2c3D4e5".repeat(3)}a1B2c3`],
    ["secret.github", `github_pat_${"11ABCDEFG0".repeat(3)}_xyz`],
    ["secret.google", `AIza${"SyA-1b2C3d4E5".repeat(2)}f6G7h8i9J`],
    ["secret.stripe", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    ["secret.stripe", "rk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    ["secret.slack", "xoxb-1234567890-abcdefghijKLMN"],
    ["secret.private_key", PEM],
    ["secret.jwt", JWT],
    ["secret.deepseek", `sk-${HEX32}`],
    ["secret.moonshot", `sk-${ALNUM48}`],
    ["secret.zhipu", `${HEX32}.AbCdEfGh12345678`],
  ];
  for (const [kind, value] of valid)
    it(`${kind}: ${value.slice(0, 16)}…`, () => expectOne(value, kind, value));

  it("provider hints pick DashScope over DeepSeek for the shared sk-<32 hex> form", () => {
    assert.deepEqual(found(`DASHSCOPE_API_KEY=sk-${HEX32}`), [["secret.dashscope", `sk-${HEX32}`]]);
  });
  it("scheme://user:password@host reports the password", () => {
    expectOne("postgres://admin:s3cretPass@db.example.com/app", "secret.url_password", "s3cretPass");
  });
  it("KEY=value assignments with a secret-like name and a long value", () => {
    expectOne("DB_PASSWORD=Zx9vQ2mL8pR4tY7w", "secret.env_assignment", "Zx9vQ2mL8pR4tY7w");
    expectOne('api_token: "Zx9vQ2mL8pR4tY7wQ"', "secret.env_assignment", "Zx9vQ2mL8pR4tY7wQ");
  });
  it("an assignment holding a known key reports the specific class once", () => {
    assert.deepEqual(found(`OPENAI_API_KEY=${OPENAI}`), [["secret.openai", OPENAI]]);
  });
  it("near misses pass untouched", () => {
    expectNone("sk-short123");
    expectNone(`task-${HEX32}`);
    expectNone("AKIAIOSFODNN7EXAMPL");
    expectNone(`ghp_${"a1B2c3D4e5".repeat(3)}`);
    expectNone(`AIza${"x".repeat(34)}`);
    expectNone("sk_live_short");
    expectNone("xoxq-1234567890-abcdefghij");
    expectNone("-----BEGIN PUBLIC KEY-----");
    expectNone("eyJhbGciOiJIUzI1NiJ9.notajwt.sig");
    expectNone("https://example.com/user@host");
    expectNone("DB_HOST=Zx9vQ2mL8pR4tY7wQ DB_PASSWORD=short PASSWORD=<your-password-here>");
    expectNone(`${HEX32}.short`);
  });
});

describe("guard detectors: personal data (B16)", () => {
  const valid: [DataClass, string, string][] = [
    ["pii.cn_resident_id", "11010519491231002X", "11010519491231002X"],
    ["pii.cn_mobile", "138-0013-8000", "138-0013-8000"],
    ["pii.cn_mobile", "13800138000", "13800138000"],
    ["pii.cn_mobile", "+86 138 0013 8000", "+86 138 0013 8000"],
    ["pii.cn_mobile", "86-138-0013-8000", "86-138-0013-8000"],
    ["pii.bank_card", "6212 3456 7890 1232", "6212 3456 7890 1232"],
    ["pii.bank_card", "4111-1111-1111-1111", "4111-1111-1111-1111"],
    ["pii.cn_uscc", "91110000600037341L", "91110000600037341L"],
    ["pii.passport", "E12345678", "E12345678"],
    ["pii.passport", "EA1234567", "EA1234567"],
    ["pii.passport", "G12345678", "G12345678"],
    ["pii.cn_license_plate", "粤B·D12345", "粤B·D12345"],
    ["pii.cn_license_plate", "京A12345", "京A12345"],
    ["pii.cn_license_plate", "沪C 1234学", "沪C 1234学"],
    ["pii.email", "zhang.san+tag@example.com.cn", "zhang.san+tag@example.com.cn"],
    ["pii.phone_intl", "+1 (415) 555-2671", "+1 (415) 555-2671"],
    ["pii.phone_intl", "+44 20 7946 0958", "+44 20 7946 0958"],
    ["pii.ip_address", "192.168.10.254", "192.168.10.254"],
    ["pii.ip_address", "2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334"],
  ];
  for (const [kind, text, value] of valid) it(`${kind}: ${text}`, () => expectOne(text, kind, value));

  it("finds PII inside Chinese text without ASCII word boundaries", () => {
    assert.deepEqual(found("身份证号11010519491231002X，手机138-0013-8000。"), [
      ["pii.cn_resident_id", "11010519491231002X"],
      ["pii.cn_mobile", "138-0013-8000"],
    ]);
  });
  it("near misses pass untouched", () => {
    expectNone("110105194912310021");
    expectNone("12800138000");
    expectNone("138001380001");
    expectNone("6212 3456 7890 1233");
    expectNone("91110000600037341M");
    expectNone("E1234567");
    expectNone("粤B·D123");
    expectNone("粤I12345");
    expectNone("京A123456789");
    expectNone("E123456789");
    expectNone("XE12345678");
    expectNone("user@localhost");
    expectNone("+12 34");
    expectNone("256.1.1.1");
    expectNone("1.2.3");
    expectNone("12:30:45");
    expectNone("order 1234567890123");
  });
});

describe("guard detectors: linear time on 1 MB adversarial inputs (H1)", () => {
  const MB = 1 << 20;
  const inputs: [string, string][] = [
    ["aaaa…", "a".repeat(MB)],
    ["digits", "1234567890".repeat(MB / 10)],
    ["keykeykey…", "key".repeat(MB / 3)],
    ["token= + 1 MB", `token=${"x".repeat(MB)}`],
    ["PEM header + 1 MB", `-----BEGIN PRIVATE KEY-----${"A".repeat(MB)}`],
    ["digit groups", "1234 ".repeat(MB / 5)],
    ["at signs", "a@".repeat(MB / 2)],
    ["colons", "a:".repeat(MB / 2)],
    ["sk- repeated", "sk-".repeat(MB / 3)],
  ];
  for (const [name, text] of inputs) {
    it(`${name} completes (5 s ceiling only catches exponential blow-up)`, () => {
      const t0 = performance.now();
      const findings = detect(text);
      const ms = performance.now() - t0;
      assert.ok(Array.isArray(findings));
      assert.ok(ms < 5000, `${name}: ${ms.toFixed(0)} ms`);
    });
  }
});
