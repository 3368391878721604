/**
 * `overt usage --since 1d [--by key|model] [--json]` after real traffic through a
 * running `overt serve` (openai SDK as the client): request counts and token sums
 * match what the client was told, per key and per model.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { runCli, type Server, sandbox, startServe } from "../helpers/cli.js";

interface Row {
  group: string;
  requests: number;
  errors: number;
  partial: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNano: string;
  cost: string;
  currency: string;
}
interface Report {
  since: string;
  by: string;
  data: Row[];
}
interface Totals {
  requests: number;
  input: number;
  output: number;
  reasoning: number;
}

describe("overt usage after traffic through a running server", () => {
  const box = sandbox();
  const env = box.env({ OVERT_DATA_DIR: `${box.dir}/ledger-state` });
  const cli = (...args: string[]) => runCli(args, box.dir, env);
  let server: Server;
  const ids: Record<"alpha" | "beta", string> = { alpha: "", beta: "" };
  const expected = new Map<string, Totals>();

  function count(group: string, usage: OpenAI.CompletionUsage | undefined) {
    const t = expected.get(group) ?? { requests: 0, input: 0, output: 0, reasoning: 0 };
    t.requests += 1;
    t.input += usage?.prompt_tokens ?? 0;
    t.output += usage?.completion_tokens ?? 0;
    t.reasoning += usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expected.set(group, t);
  }

  async function report(...args: string[]): Promise<Report> {
    const result = await cli("usage", "--json", ...args);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Report;
  }

  before(async () => {
    server = await startServe(["--port", "0"], box.dir, env);
    for (const name of ["alpha", "beta"] as const) {
      const result = await cli("keys", "create", "--name", name, "--json");
      assert.equal(result.code, 0, result.stderr);
      const created = JSON.parse(result.stdout) as { id: string; key: string };
      ids[name] = created.id;
      const client = new OpenAI({
        apiKey: created.key,
        baseURL: `${server.banner.baseUrl}/v1`,
        maxRetries: 0,
      });
      const rounds = name === "alpha" ? 3 : 2;
      for (let i = 0; i < rounds; i++) {
        const model = i % 2 === 0 ? "simulator/echo" : "simulator/echo-reasoner";
        const done = await client.chat.completions.create({
          model,
          messages: [{ role: "user", content: `${name} round ${i} `.repeat(i + 1) }],
        });
        count(model, done.usage);
        count(created.id, done.usage);
      }
      // A streamed request, usage asked for: billed the same way.
      const stream = await client.chat.completions.create({
        model: "simulator/echo",
        messages: [{ role: "user", content: `${name} streaming` }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      assert.ok(usage);
      count("simulator/echo", usage);
      count(created.id, usage);
    }
    // The ledger is written in batches: wait until the CLI sees all 7 requests.
    for (let i = 0; i < 50; i++) {
      const all = await report("--since", "1d");
      if ((all.data[0]?.requests ?? 0) >= 7) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    await server.stop("SIGKILL");
    box.remove();
  });

  it("--json without --by: one row with every request and token", async () => {
    const all = await report("--since", "1d");
    assert.equal(all.by, "none");
    assert.ok(Math.abs(Date.parse(all.since) - (Date.now() - 86_400_000)) < 60_000);
    assert.equal(all.data.length, 1);
    const row = all.data[0]!;
    const sum = (f: keyof Totals) =>
      [ids.alpha, ids.beta].reduce((n, id) => n + (expected.get(id)?.[f] ?? 0), 0);
    assert.equal(row.requests, 7);
    assert.equal(row.errors, 0);
    assert.equal(row.partial, 0);
    assert.equal(row.inputTokens, sum("input"));
    assert.equal(row.outputTokens, sum("output"));
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0);
    assert.equal(row.costNano, "0", "the simulator is free");
    assert.equal(row.cost, "0");
  });

  it("--by model --json: counts and tokens per model match what the client saw", async () => {
    const byModel = await report("--since", "1d", "--by", "model");
    assert.equal(byModel.by, "model");
    assert.deepEqual(byModel.data.map((r) => r.group).sort(), ["simulator/echo", "simulator/echo-reasoner"]);
    for (const row of byModel.data) {
      const want = expected.get(row.group)!;
      assert.equal(row.requests, want.requests, row.group);
      assert.equal(row.inputTokens, want.input, row.group);
      assert.equal(row.outputTokens, want.output, row.group);
      assert.equal(row.reasoningTokens, want.reasoning, row.group);
    }
    assert.equal(expected.get("simulator/echo")?.requests, 5);
    assert.ok(byModel.data.find((r) => r.group === "simulator/echo-reasoner")!.reasoningTokens > 0);
  });

  it("--by key --json: one row per key id", async () => {
    const byKey = await report("--since", "1d", "--by", "key");
    assert.deepEqual(byKey.data.map((r) => r.group).sort(), [ids.alpha, ids.beta].sort());
    for (const row of byKey.data) {
      const want = expected.get(row.group)!;
      assert.equal(row.requests, want.requests);
      assert.equal(row.inputTokens, want.input);
      assert.equal(row.outputTokens, want.output);
    }
    assert.equal(byKey.data.find((r) => r.group === ids.alpha)?.requests, 4);
    assert.equal(byKey.data.find((r) => r.group === ids.beta)?.requests, 3);
  });

  it("table form lists the model names (or key ids) with their counts", async () => {
    const result = await cli("usage", "--since", "1d", "--by", "model");
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.match(
      lines[0] ?? "",
      /^model\s+requests\s+errors\s+partial\s+input\s+cached\s+output\s+reasoning\s+cost$/,
    );
    assert.match(result.stdout, /^simulator\/echo\s+5\s+0\s+0\s+\d+/m);
    assert.match(result.stdout, /^simulator\/echo-reasoner\s+2\s+0\s+0\s+\d+/m);
    assert.match(result.stdout, /0 USD$/m);
    const byKey = await cli("usage", "--by", "key");
    assert.ok(byKey.stdout.includes(ids.alpha) && byKey.stdout.includes(ids.beta), byKey.stdout);
  });

  it("--since in the future or as an ISO date, and bad arguments", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await cli("usage", "--since", future);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, `No usage since ${future}.\n`);
    const iso = await report("--since", new Date(Date.now() - 3_600_000).toISOString());
    assert.equal(iso.data[0]?.requests, 7);
    const badSince = await cli("usage", "--since", "yesterday");
    assert.equal(badSince.code, 1);
    assert.match(badSince.stderr, /--since must be like 1d, 12h or an ISO date, got yesterday/);
    const badBy = await cli("usage", "--by", "colour");
    assert.equal(badBy.code, 1);
    assert.match(badBy.stderr, /--by must be key, model or provider/);
  });
});
