/**
 * `overt serve` with a real provider configured (DeepSeek by environment, its base
 * URL pointed at a simulator this test runs): the built-in simulator is gone from
 * the catalogue and never used, requests reach the configured upstream with its
 * key, usage is priced in its currency, and SIGTERM during a stream exits 0 with
 * the ledger flushed.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { startSimulator } from "../../src/upstreams/simulator/server.js";
import type { Simulator } from "../../src/upstreams/simulator/types.js";
import { authed, runCli, runShell, type Server, sandbox, startServe } from "../helpers/cli.js";

interface UsageRow {
  group: string;
  requests: number;
  errors: number;
  partial: number;
  inputTokens: number;
  outputTokens: number;
  costNano: string;
  currency: string;
}

describe("overt serve with a real provider configured", () => {
  const box = sandbox();
  let upstream: Simulator;
  let server: Server;
  let client: OpenAI;
  let key: string;
  const providerEnv = () => ({
    DEEPSEEK_API_KEY: "sk-test-deepseek",
    DEEPSEEK_BASE_URL: upstream.url,
    OVERT_ALLOW_PRIVATE_UPSTREAMS: "1",
  });
  const usageRows = async (): Promise<UsageRow[]> => {
    const result = await runCli(["usage", "--by", "model", "--json", "-c", "relay.yaml"], box.dir, box.env());
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { data: UsageRow[] }).data;
  };

  before(async () => {
    upstream = await startSimulator({
      apiKey: "sk-test-deepseek",
      script: ({ body }) => {
        const last = (body as { messages?: Array<{ content?: unknown }> }).messages?.at(-1)?.content;
        return last === "slow"
          ? { kind: "respond", text: "one two three four five", chunkDelayMs: 120 }
          : undefined;
      },
    });
    writeFileSync(join(box.dir, "relay.yaml"), "server:\n  port: 0\ndataDir: ./state\nlog:\n  level: warn\n");
    server = await startServe(["--config", "relay.yaml"], box.dir, box.env(providerEnv()));
    key = server.banner.firstKey!;
    client = new OpenAI({ apiKey: key, baseURL: `${server.banner.baseUrl}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await server.stop("SIGKILL");
    await upstream.close();
    box.remove();
  });

  it("the banner names the provider, not the simulator, and uses the config file's dataDir", () => {
    const { banner } = server;
    assert.equal(banner.upstreams, "deepseek (CN)");
    assert.equal(banner.storage, `sqlite ${join(box.dir, "state", "overt.db")}`);
    assert.ok(banner.models.length > 0);
    for (const model of banner.models) assert.doesNotMatch(model, /simulator/);
    assert.ok(banner.firstKey !== null && banner.setupToken !== null);
  });

  it("GET /v1/models has no simulator/... id and no model owned by the simulator", async () => {
    const res = await fetch(`${server.banner.baseUrl}/v1/models`, {
      headers: authed(server.banner.firstKey!),
    });
    const { data } = (await res.json()) as { data: Array<{ id: string; owned_by: string }> };
    const ids = data.map((m) => m.id);
    assert.ok(ids.includes("deepseek/deepseek-flash") && ids.includes("deepseek-flash"), ids.join());
    for (const m of data) {
      assert.doesNotMatch(m.id, /^simulator\//);
      assert.equal(m.owned_by, "deepseek");
    }
  });

  it("the printed curl reaches the configured upstream with the provider's key", async () => {
    const hits = upstream.hits.length;
    const result = await runShell(`${server.banner.curl} --silent --show-error`, box.dir, box.env());
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { choices: Array<{ message: { content: string } }> };
    assert.equal(body.choices[0]?.message.content, "You said: Hello from Overt");
    assert.equal(upstream.hits.length, hits + 1);
    const hit = upstream.hits.at(-1)!;
    assert.equal(hit.path, "/v1/chat/completions");
    assert.equal(hit.headers.authorization, "Bearer sk-test-deepseek");
    assert.notEqual(hit.headers.authorization, `Bearer ${server.banner.firstKey}`);
    assert.equal((hit.body as { model: string }).model, "deepseek-flash");
  });

  it("simulator/echo is not served (404) and nothing reaches any upstream", async () => {
    const hits = upstream.hits.length;
    await assert.rejects(
      client.chat.completions.create({ model: "simulator/echo", messages: [{ role: "user", content: "x" }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === "model_not_found",
    );
    assert.equal(upstream.hits.length, hits);
  });

  it("a priced model is routed upstream and its cost lands in the ledger in CNY", async () => {
    const done = await client.chat.completions.create({
      model: "deepseek/deepseek-v4-pro",
      messages: [{ role: "user", content: "price me" }],
    });
    assert.equal(done.choices[0]?.message.content, "You said: price me");
    assert.equal((upstream.hits.at(-1)!.body as { model: string }).model, "deepseek-v4-pro");
    const usage = done.usage!;
    // deepseek-v4-pro: 9 CNY / 1M input = 9000 nano per token, 27 CNY / 1M output = 27000.
    const expected = BigInt(usage.prompt_tokens) * 9000n + BigInt(usage.completion_tokens) * 27000n;
    let row: UsageRow | undefined;
    for (let i = 0; i < 40 && row === undefined; i++) {
      row = (await usageRows()).find((r) => r.group === "deepseek/deepseek-v4-pro");
      if (row === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(row, "the ledger is written within a few seconds while serving");
    assert.equal(row.currency, "CNY");
    assert.equal(row.inputTokens, usage.prompt_tokens);
    assert.equal(row.outputTokens, usage.completion_tokens);
    assert.equal(BigInt(row.costNano), expected);
  });

  it("SIGTERM during a stream: the stream completes, the process exits 0, the record is flushed", async () => {
    // `connection: close` keeps this test about the ledger; the keep-alive case is the next test.
    const closing = new OpenAI({
      apiKey: server.banner.firstKey!,
      baseURL: `${server.banner.baseUrl}/v1`,
      maxRetries: 0,
      defaultHeaders: { connection: "close" },
    });
    const stream = await closing.chat.completions.create({
      model: "deepseek/deepseek-flash",
      messages: [{ role: "user", content: "slow" }],
      stream: true,
    });
    let text = "";
    let exited: Promise<number | null> | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      exited ??= server.stop("SIGTERM");
    }
    assert.equal(text, "one two three four five");
    assert.equal(await exited, 0, server.stderr());
    const data = await usageRows();
    const row = data.find((r) => r.group === "deepseek/deepseek-flash");
    assert.equal(row?.requests, 1, JSON.stringify(data));
    assert.equal(row?.errors, 0);
    assert.equal(row?.partial, 0);
    assert.ok(row.outputTokens > 0);
  });

  // Regression: shutdown used to wait for the client's keep-alive socket (keepAliveTimeout, 75 s).
  it("SIGTERM with a request in flight on a keep-alive connection exits within 5 s", async () => {
    const again = await startServe(["--config", "relay.yaml"], box.dir, box.env(providerEnv()));
    try {
      const keepAlive = new OpenAI({ apiKey: key, baseURL: `${again.banner.baseUrl}/v1`, maxRetries: 0 });
      const stream = await keepAlive.chat.completions.create({
        model: "deepseek-flash",
        messages: [{ role: "user", content: "slow" }],
        stream: true,
      });
      let exited: Promise<number | null> | undefined;
      for await (const chunk of stream) exited ??= chunk.id ? again.stop("SIGTERM") : undefined;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((done) => {
        timer = setTimeout(() => done("still running 5 s after the stream ended"), 5_000);
      });
      assert.equal(await Promise.race([exited, timeout]), 0);
      clearTimeout(timer);
    } finally {
      await again.stop("SIGKILL");
    }
  });
});

describe("overt serve with a generic OpenAI-compatible server", () => {
  const box = sandbox();
  let upstream: Simulator;
  const start = (extra: Record<string, string>) =>
    startServe(
      ["--port", "0"],
      box.dir,
      box.env({ OPENAI_COMPATIBLE_BASE_URL: upstream.url, OVERT_ALLOW_PRIVATE_UPSTREAMS: "1", ...extra }),
    );
  before(async () => {
    upstream = await startSimulator();
  });
  after(async () => {
    await upstream.close();
    box.remove();
  });

  it("with OPENAI_COMPATIBLE_MODELS the banner's curl reaches it", async () => {
    const server = await start({ OPENAI_COMPATIBLE_MODELS: "local-llm", OVERT_DATA_DIR: join(box.dir, "a") });
    try {
      assert.equal(server.banner.upstreams, "openai-compatible (LOCAL)");
      assert.deepEqual(server.banner.models, ["local-llm", "openai-compatible/local-llm"]);
      const result = await runShell(`${server.banner.curl} -s`, box.dir, box.env());
      assert.match(result.stdout, /"You said: Hello from Overt"/);
      assert.equal((upstream.hits.at(-1)!.body as { model: string }).model, "local-llm");
    } finally {
      await server.stop();
    }
  });

  it("without a model list the banner does not offer a curl that can only 404", {}, async () => {
    const server = await start({ OVERT_DATA_DIR: join(box.dir, "b") });
    try {
      if (server.banner.curl === null) return;
      const result = await runShell(`${server.banner.curl} -s`, box.dir, box.env());
      assert.doesNotMatch(result.stdout, /model_not_found/);
    } finally {
      await server.stop();
    }
  });
});
