/**
 * A bad configuration stops `overt serve` (and every other command) before it
 * touches anything: exit code 1, nothing listening, no data dir created, and one
 * stderr line naming the file, the dotted path in it and what is wrong, without
 * echoing configured values (they may be secrets).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli, sandbox, startServe } from "../helpers/cli.js";

const SECRET = "sk-do-not-echo-4f1c9a";

interface Case {
  name: string;
  yaml: string;
  /** The whole stderr line after "overt: invalid configuration: ". */
  expected: RegExp;
  env?: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: "an unknown field",
    yaml: "server:\n  port: 0\n  prot: 8080\n",
    expected: /^bad\.yaml: server\.prot: unknown field$/,
  },
  {
    name: "an unknown top-level section",
    yaml: "sever:\n  port: 0\n",
    expected: /^bad\.yaml: sever: unknown field$/,
  },
  {
    name: "a port that is not a number",
    yaml: "server:\n  port: eighty\n",
    expected: /^bad\.yaml: server\.port: must be an integer between 0 and 65535$/,
  },
  {
    name: "an unknown enum value",
    yaml: "log:\n  level: loud\n",
    expected: /^bad\.yaml: log\.level: must be one of fatal, error, warn, info, debug, trace, silent$/,
  },
  {
    name: "a private base URL without the allow flag",
    yaml: `providers:\n  deepseek:\n    apiKey: ${SECRET}\n    baseUrl: http://127.0.0.1:9/v1\n`,
    expected:
      /^bad\.yaml: providers\.deepseek\.baseUrl: 127\.0\.0\.1 is a loopback\/private address; set security\.allowPrivateUpstreams \(OVERT_ALLOW_PRIVATE_UPSTREAMS=1\)/,
  },
  {
    name: "a cloud metadata address as base URL",
    yaml: `providers:\n  deepseek:\n    apiKey: ${SECRET}\n    baseUrl: http://169.254.169.254/v1\n`,
    expected: /^bad\.yaml: providers\.deepseek\.baseUrl: 169\.254\.169\.254 is a loopback\/private address/,
  },
  {
    name: "a base URL with a password in it",
    yaml: `providers:\n  deepseek:\n    apiKey: x\n    baseUrl: https://user:${SECRET}@api.example.com\n`,
    expected: /^bad\.yaml: providers\.deepseek\.baseUrl: must not contain a user name or password/,
  },
  {
    name: "a route to a provider that is not enabled",
    yaml: "models:\n  chat:\n    - provider: deepseek\n      model: deepseek-flash\n",
    expected: /^bad\.yaml: models\.chat\[0\]\.provider: "deepseek" is not an enabled provider/,
  },
  {
    name: "a YAML syntax error",
    yaml: `server:\n  port: 0\n   host: [${SECRET}\n`,
    expected: /^bad\.yaml: YAML syntax error at line \d+, column \d+/,
  },
  {
    name: "a string where a mapping belongs",
    yaml: "server: localhost\n",
    expected: /^bad\.yaml: server: must be a mapping$/,
  },
  {
    name: "a number where a string belongs",
    yaml: `server:\n  host: 8080\n`,
    expected: /^bad\.yaml: server\.host: must be a string$/,
  },
];

describe("bad configuration: exit 1 with file, path and problem on stderr", () => {
  const box = sandbox();
  after(() => box.remove());

  for (const c of CASES) {
    it(c.name, async () => {
      const dir = join(box.dir, c.name.replaceAll(/\W+/g, "-"));
      mkdirSync(dir);
      writeFileSync(join(dir, "bad.yaml"), c.yaml);
      const result = await runCli(["serve", "--config", "bad.yaml", "--port", "0"], dir, box.env(c.env));
      assert.equal(result.code, 1, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
      assert.equal(result.stdout, "", "nothing listens, no banner");
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      const prefix = "overt: invalid configuration: ";
      assert.ok(lines[0]!.startsWith(prefix), result.stderr);
      assert.match(lines[0]!.slice(prefix.length), c.expected);
      assert.ok(!result.stderr.includes(SECRET), "configured values are never echoed");
      assert.ok(!existsSync(join(dir, "data")), "nothing was created");
    });
  }

  it("the same private base URL starts fine with OVERT_ALLOW_PRIVATE_UPSTREAMS=1", async () => {
    const dir = join(box.dir, "allowed");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "ok.yaml"),
      `server:\n  port: 0\nproviders:\n  deepseek:\n    apiKey: ${SECRET}\n    baseUrl: http://127.0.0.1:9/v1\n`,
    );
    const server = await startServe(
      ["--config", "ok.yaml"],
      dir,
      box.env({ OVERT_ALLOW_PRIVATE_UPSTREAMS: "1" }),
    );
    try {
      assert.equal(server.banner.upstreams, "deepseek (CN)");
      assert.ok(!server.stdout().includes(SECRET));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("environment problems name the variable", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ OVERT_PORT: "http" }, /^environment: OVERT_PORT: must be an integer between 0 and 65535$/],
      [
        { DEEPSEEK_API_KEY: SECRET, DEEPSEEK_BASE_URL: "http://10.1.2.3/v1" },
        /^environment: DEEPSEEK_BASE_URL: 10\.1\.2\.3 is a loopback\/private address/,
      ],
      [{ OPENAI_COMPATIBLE_API_KEY: SECRET }, /^environment: OPENAI_COMPATIBLE_API_KEY: is set but/],
    ];
    for (const [env, expected] of cases) {
      const result = await runCli(["serve", "--port", "0"], box.dir, box.env(env));
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr.replace("overt: invalid configuration: ", "").trimEnd(), expected);
      assert.ok(!result.stderr.includes(SECRET));
    }
  });

  it("a missing --config file, a file in a subdirectory, and the other commands", async () => {
    const missing = await runCli(["serve", "--config", "nope.yaml"], box.dir, box.env());
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "overt: invalid configuration: nope.yaml: config file not found\n");

    mkdirSync(join(box.dir, "conf"));
    writeFileSync(join(box.dir, "conf", "relay.yaml"), "transport:\n  maxAttempts: 99\n");
    const expected =
      "overt: invalid configuration: conf/relay.yaml: transport.maxAttempts: must be an integer";
    for (const args of [["serve"], ["keys", "list"], ["keys", "create", "--name", "x"], ["usage"]]) {
      const result = await runCli([...args, "--config", "conf/relay.yaml"], box.dir, box.env());
      assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
      assert.ok(result.stderr.startsWith(expected), `${args.join(" ")}: ${result.stderr}`);
    }
    // OVERT_CONFIG is honoured the same way.
    const viaEnv = await runCli(["keys", "list"], box.dir, box.env({ OVERT_CONFIG: "conf/relay.yaml" }));
    assert.equal(viaEnv.code, 1);
    assert.ok(viaEnv.stderr.startsWith(expected), viaEnv.stderr);
    assert.ok(!existsSync(box.dataDir), "no command created ./data");
  });

  it("a bad --port is refused before anything starts", async () => {
    const result = await runCli(["serve", "--port", "99999"], box.dir, box.env());
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--port must be an integer 0-65535, got 99999/);
    assert.equal(result.stdout, "");
  });
});
