/**
 * The cross-border transfer ledger end to end (issue 4): requests sent outside
 * the tenant's home jurisdiction are recorded with the data classes found and
 * what was done — never the values — and `overt report cross-border` summarises
 * them per destination and class, counting distinct individuals (the same
 * phone number written two ways is one person), as text, JSON and CSV.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { CrossBorderReport } from "../../src/guard/cross-border-report.js";
import { tierFor } from "../../src/guard/cross-border-report.js";
import { runCli, sandbox } from "../helpers/cli.js";
import { startTestRelay, startTestUpstream, type TestUpstream } from "../helpers/relay.js";

const ID = "11010519491231002X";
const MOBILE_A = "13800138000";
const MOBILE_A_DASHED = "138-0013-8000";
const MOBILE_B = "13900139000";

describe("cross-border transfer ledger and report", () => {
  let us: TestUpstream;
  let cn: TestUpstream;
  let dataDir: string;
  const box = sandbox();

  before(async () => {
    us = await startTestUpstream({ id: "us-llm", models: ["echo"], jurisdiction: "US", forbidden: [ID] });
    cn = await startTestUpstream({ id: "cn-llm", models: ["echo"], jurisdiction: "CN" });
    const relay = await startTestRelay({
      providers: [us.provider, cn.provider],
      routes: {
        abroad: [{ provider: "us-llm", model: "echo", weight: 1 }],
        home: [{ provider: "cn-llm", model: "echo", weight: 1 }],
      },
      transport: { maxAttempts: 1 },
      dataProtection: {
        homeJurisdiction: "CN",
        guard: { rules: [{ data: "pii.cn_mobile", to: "abroad", action: "allow" }] },
      },
    });
    dataDir = relay.dataDir;
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const ask = (model: string, content: string) =>
      client.chat.completions.create({ model, messages: [{ role: "user", content }] });
    await ask("abroad", `call ${MOBILE_A} or ${MOBILE_B}, ID ${ID}`);
    await ask("abroad", `again ${MOBILE_A_DASHED}`);
    await ask("abroad", "hello");
    await ask("home", `ID ${ID} stays home`);
    await relay.relay.close(); // flushes the ledgers
    writeFileSync(
      join(box.dir, "overt.yaml"),
      `dataDir: ${JSON.stringify(dataDir)}\nstorage:\n  driver: sqlite\n  path: ${JSON.stringify(join(dataDir, "overt.db"))}\n`,
    );
  });
  after(async () => {
    await Promise.all([us.simulator.close(), cn.simulator.close()]);
    box.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("records only the attempts that left, with classes, actions and individuals (JSON)", async () => {
    const result = await runCli(["report", "cross-border", "--json"], box.dir, box.env());
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as CrossBorderReport;
    assert.deepEqual(report.destinations, [{ jurisdiction: "US", provider: "us-llm", requests: 3 }]);
    assert.deepEqual(report.classes, [
      { jurisdiction: "US", kind: "pii.cn_mobile", action: "allow", requests: 2, occurrences: 3 },
      { jurisdiction: "US", kind: "pii.cn_resident_id", action: "pseudonymize", requests: 1, occurrences: 1 },
    ]);
    assert.deepEqual(report.individuals, [
      { jurisdiction: "US", individuals: 2, sensitiveIndividuals: 0, protectedIndividuals: 1 },
      { jurisdiction: "*", individuals: 2, sensitiveIndividuals: 0, protectedIndividuals: 1 },
    ]);
    assert.equal(report.tier, "none");
    assert.equal(us.simulator.hits.filter((h) => h.forbidden).length, 0);
  });

  it("prints a readable table and CSV, and filters by date", async () => {
    const text = await runCli(["report", "cross-border"], box.dir, box.env());
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /US\s+us-llm\s+3/);
    assert.match(text.stdout, /pii\.cn_resident_id\s+pseudonymize\s+1\s+1/);
    assert.match(text.stdout, /Indicative tier/);
    const csv = await runCli(["report", "cross-border", "--csv"], box.dir, box.env());
    const lines = csv.stdout.trim().split("\n");
    assert.equal(
      lines[0],
      "destination,destination_requests,data_class,action,requests,occurrences,destination_individuals_sent,destination_sensitive_individuals_sent",
    );
    assert.ok(lines.includes("US,3,pii.cn_mobile,allow,2,3,2,0"), csv.stdout);
    const old = await runCli(
      ["report", "cross-border", "--from", "2020-01-01", "--to", "2020-12-31"],
      box.dir,
      box.env(),
    );
    assert.match(old.stdout, /No request left the home jurisdiction/);
    const bad = await runCli(["report", "cross-border", "--from", "yesterday"], box.dir, box.env());
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--from must be a date/);
  });

  it("never stores the values: no ID or phone number anywhere in the data dir", () => {
    for (const name of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, name));
      for (const value of [ID, MOBILE_A, MOBILE_B]) {
        assert.equal(bytes.includes(Buffer.from(value)), false, `${value} in ${name}`);
      }
    }
  });

  it("indicative tiers follow the 2024 thresholds", () => {
    assert.equal(tierFor(99_999, 0), "none");
    assert.equal(tierFor(100_000, 0), "standard-contract-or-certification");
    assert.equal(tierFor(5, 1), "standard-contract-or-certification");
    assert.equal(tierFor(1_000_001, 0), "security-assessment");
    assert.equal(tierFor(20_000, 10_000), "security-assessment");
  });
});
