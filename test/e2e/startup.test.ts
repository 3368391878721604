/**
 * `npm start` on a fresh machine (`overt serve`, spawned as a child process with
 * its own cwd and environment): the banner, the first key in a curl that works,
 * the simulator as the only upstream, restarts on the same data dir, and a clean
 * SIGTERM that flushes the usage ledger.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { isWellFormedToken } from "../../src/governance/token-format.js";
import {
  authed,
  filesContaining,
  runCli,
  runShell,
  type Sandbox,
  type Server,
  sandbox,
  startServe,
} from "../helpers/cli.js";

interface UsageJson {
  by: string;
  data: Array<{ group: string; requests: number; errors: number; inputTokens: number; outputTokens: number }>;
}

async function usageJson(box: Sandbox, ...args: string[]): Promise<UsageJson> {
  const result = await runCli(["usage", "--since", "1d", "--json", ...args], box.dir, box.env());
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as UsageJson;
}

async function modelIds(baseUrl: string, key: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/v1/models`, { headers: authed(key) });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { data: Array<{ id: string; owned_by: string }> };
  return body.data.map((m) => m.id);
}

describe("overt serve on a fresh machine: simulator only, ./data under cwd", () => {
  const box = sandbox();
  let first: Server;
  let exitCode: number | null = null;
  const secrets: string[] = [];

  before(async () => {
    // No config file, no OVERT_* variables: everything comes from the defaults.
    first = await startServe(["--port", "0"], box.dir, box.env());
  });
  after(async () => {
    await first.stop("SIGKILL");
    box.remove();
  });

  it("prints where it listens (127.0.0.1), the storage under ./data, and that only the simulator serves", () => {
    const { banner } = first;
    assert.match(banner.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(banner.baseUrl, "http://127.0.0.1:0");
    assert.equal(banner.storage, `sqlite ${join(box.dataDir, "overt.db")}`);
    assert.ok(existsSync(join(box.dataDir, "overt.db")), "the database lives in ./data of the cwd");
    assert.match(banner.upstreams, /simulator only/);
    assert.deepEqual(banner.models, ["simulator/echo", "simulator/echo-reasoner"]);
  });

  it("prints a one-time setup token and a first virtual key, both well formed", () => {
    const { setupToken, firstKey } = first.banner;
    assert.ok(setupToken !== null && isWellFormedToken(setupToken, "ovts"), `setup token: ${setupToken}`);
    assert.ok(firstKey !== null && isWellFormedToken(firstKey, "ovt"), `first key: ${firstKey}`);
    secrets.push(setupToken, firstKey);
  });

  it("the printed curl command works as pasted, and the simulator answers it", async () => {
    const { curl, firstKey, baseUrl } = first.banner;
    assert.ok(curl !== null, first.stdout());
    assert.ok(curl.includes(`${baseUrl}/v1/chat/completions`) && curl.includes(`Bearer ${firstKey}`));
    const result = await runShell(`${curl} --silent --show-error`, box.dir, box.env());
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as {
      object: string;
      model: string;
      choices: Array<{ message: { role: string; content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    assert.equal(body.object, "chat.completion");
    assert.equal(body.choices[0]?.message.content, "You said: Hello from Overt");
    assert.equal(body.model, "echo");
    assert.ok(body.usage.prompt_tokens > 0 && body.usage.completion_tokens > 0);
  });

  it("GET /v1/models lists only simulator/... ids", async () => {
    const ids = await modelIds(first.banner.baseUrl, first.banner.firstKey!);
    assert.ok(ids.length > 0);
    for (const id of ids) assert.match(id, /^simulator\//);
  });

  it("the openai SDK works with the first key; the bare name `echo` is not served", async () => {
    const client = new OpenAI({
      apiKey: first.banner.firstKey!,
      baseURL: `${first.banner.baseUrl}/v1`,
      maxRetries: 0,
    });
    const done = await client.chat.completions.create({
      model: "simulator/echo-reasoner",
      messages: [{ role: "user", content: "ping" }],
    });
    assert.equal(done.choices[0]?.message.content, "You said: ping");
    await assert.rejects(
      client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "x" }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === "model_not_found",
    );
  });

  it("SIGTERM exits 0 and the ledger holds every request made before it", async () => {
    // The last request right before SIGTERM: its record is still queued when the signal lands.
    const res = await fetch(`${first.banner.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: authed(first.banner.firstKey!),
      body: JSON.stringify({ model: "simulator/echo", messages: [{ role: "user", content: "last" }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    exitCode = await first.stop("SIGTERM");
    assert.equal(exitCode, 0, first.stderr());
    const all = await usageJson(box);
    // curl + SDK ok + SDK 404 (recorded as an error) + the last one.
    assert.equal(all.data.length, 1);
    assert.equal(all.data[0]?.requests, 4, `ledger: ${JSON.stringify(all.data)}`);
    assert.equal(all.data[0]?.errors, 1);
    const byModel = await usageJson(box, "--by", "model");
    const echo = byModel.data.find((row) => row.group === "simulator/echo");
    assert.equal(echo?.requests, 2, JSON.stringify(byModel.data));
    assert.equal(byModel.data.find((row) => row.group === "simulator/echo-reasoner")?.requests, 1);
    assert.equal(byModel.data.find((row) => row.group === "echo")?.errors, 1);
  });

  it("neither the key nor the setup token is written anywhere in the data dir", () => {
    assert.equal(exitCode, 0, "runs after the clean shutdown");
    for (const secret of secrets) assert.deepEqual(filesContaining(box.dataDir, secret), []);
    // Nor to the log: stdout after the banner and stderr.
    const out = first.stdout();
    const logs = out.slice(out.indexOf(first.banner.curl!) + first.banner.curl!.length) + first.stderr();
    for (const secret of secrets) assert.ok(!logs.includes(secret));
  });

  it("restarts on the same data dir: no new first key, a fresh setup token until setup is done, old key works", async () => {
    const [oldSetup, oldKey] = secrets as [string, string];
    const second = await startServe(["--port", "0"], box.dir, box.env());
    try {
      assert.equal(second.banner.firstKey, null, second.stdout());
      assert.equal(second.banner.curl, null);
      assert.doesNotMatch(second.stdout(), /ovt_[0-9A-Za-z]{49}/, "no key printed at all");
      const setup = second.banner.setupToken;
      assert.ok(setup !== null && isWellFormedToken(setup, "ovts"), "setup not done yet: a token again");
      assert.notEqual(setup, oldSetup, "each start issues a fresh one-time token");

      const res = await fetch(`${second.banner.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: authed(oldKey),
        body: JSON.stringify({ model: "simulator/echo", messages: [{ role: "user", content: "again" }] }),
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as any).choices[0].message.content, "You said: again");

      const exchange = (token: string) =>
        fetch(`${second.banner.baseUrl}/admin/setup`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ setup_token: token }),
        });
      assert.equal((await exchange(oldSetup)).status, 401, "the previous start's token is void");
      const ok = await exchange(setup);
      assert.equal(ok.status, 201);
      assert.match(((await ok.json()) as { admin_token: string }).admin_token, /^ovta_/);
    } finally {
      assert.equal(await second.stop("SIGTERM"), 0);
    }
    const third = await startServe(["--port", "0"], box.dir, box.env());
    try {
      assert.equal(third.banner.setupToken, null, "setup done: no setup token any more");
      assert.equal(third.banner.firstKey, null);
      assert.doesNotMatch(third.stdout(), /ovts_|ovt_/);
    } finally {
      assert.equal(await third.stop("SIGINT"), 0);
    }
  });
});
