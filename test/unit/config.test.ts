// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are YAML holding literal ${VAR} references
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { Secret } from "../../src/config/secret.js";
import type { RelayConfig } from "../../src/config/types.js";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "overt-config-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

type Env = Record<string, string | undefined>;

async function load(yaml: string | null, env: Env = {}): Promise<RelayConfig> {
  const cwd = await tempDir(yaml === null ? {} : { "overt.yaml": yaml });
  return loadConfig({ env, cwd });
}

async function loadError(yaml: string | null, env: Env = {}): Promise<ConfigError> {
  try {
    await load(yaml, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  return assert.fail("expected a ConfigError");
}

describe("loadConfig: defaults", () => {
  it("uses defaults when there is no file and the environment is empty", async () => {
    const cwd = await tempDir();
    const c = await loadConfig({ env: {}, cwd });
    assert.equal(c.source, null);
    assert.deepEqual(c.server, {
      host: "127.0.0.1",
      port: 8787,
      bodyLimitBytes: 33_554_432,
      trustedProxies: [],
    });
    assert.equal(c.dataDir, join(cwd, "data"));
    assert.deepEqual(c.storage, { driver: "sqlite", path: join(cwd, "data", "overt.db") });
    assert.deepEqual(c.security, {
      allowPrivateUpstreams: false,
      keyPepper: null,
      setupToken: null,
      masterKey: { active: null, previous: [] },
    });
    assert.deepEqual(c.transport, {
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 300_000,
      idleTimeoutMs: 60_000,
      maxResponseBytes: 104_857_600,
      maxAttempts: 3,
    });
    assert.deepEqual(c.providers, []);
    assert.deepEqual(c.routes, {});
    assert.equal(c.homeJurisdiction, null);
    assert.equal(c.simulator, true, "auto: the simulator runs when no provider is enabled");
    assert.deepEqual(c.log, { level: "info" });
  });

  it("an empty file is the same as no file, but is recorded as the source", async () => {
    const cwd = await tempDir({ "overt.yaml": "# nothing yet\n" });
    const c = await loadConfig({ env: {}, cwd });
    assert.equal(c.source, join(cwd, "overt.yaml"));
    assert.equal(c.server.port, 8787);
  });

  it("reads the global environment variables", async () => {
    const c = await load(null, {
      OVERT_HOST: "0.0.0.0",
      PORT: "9001",
      OVERT_DATA_DIR: "/var/lib/overt",
      OVERT_ALLOW_PRIVATE_UPSTREAMS: "true",
      OVERT_KEY_PEPPER: "pepper-value",
      OVERT_SETUP_TOKEN: "setup-value-0123456789",
      OVERT_HOME_JURISDICTION: "cn",
      OVERT_SIMULATOR: "false",
      OVERT_LOG_LEVEL: "debug",
    });
    assert.equal(c.server.host, "0.0.0.0");
    assert.equal(c.server.port, 9001);
    assert.equal(c.dataDir, "/var/lib/overt");
    assert.deepEqual(c.storage, { driver: "sqlite", path: "/var/lib/overt/overt.db" });
    assert.equal(c.security.allowPrivateUpstreams, true);
    assert.equal(c.security.keyPepper?.reveal(), "pepper-value");
    assert.equal(c.security.setupToken?.reveal(), "setup-value-0123456789");
    assert.equal(c.homeJurisdiction, "CN");
    assert.equal(c.simulator, false);
    assert.equal(c.log.level, "debug");
    assert.equal(
      (await load(null, { OVERT_PORT: "9100", PORT: "9001" })).server.port,
      9100,
      "OVERT_PORT beats PORT",
    );
  });

  it("OVERT_DATABASE_URL selects postgres, as a secret", async () => {
    const c = await load(null, { OVERT_DATABASE_URL: "postgres://u:pw@db.example.com/overt" });
    assert.equal(c.storage.driver, "postgres");
    assert.ok(c.storage.driver === "postgres" && c.storage.url instanceof Secret);
    assert.equal(JSON.stringify(c.storage), '{"driver":"postgres","url":"[secret]"}');
  });

  it("rejects a bad environment value naming the variable", async () => {
    const e = await loadError(null, { OVERT_PORT: "eighty" });
    assert.equal(e.file, null);
    assert.equal(e.path, "OVERT_PORT");
    assert.match(e.message, /^environment: OVERT_PORT: must be an integer between 0 and 65535$/);
    assert.equal((await loadError(null, { OVERT_LOG_LEVEL: "loud" })).path, "OVERT_LOG_LEVEL");
  });
});

describe("loadConfig: file discovery", () => {
  it("finds ./overt.yaml, OVERT_CONFIG and --config, in reverse order of priority", async () => {
    const cwd = await tempDir({
      "overt.yaml": "server: { port: 1111 }\n",
      "other.yaml": "server: { port: 2222 }\n",
    });
    await mkdir(join(cwd, "etc"));
    await writeFile(join(cwd, "etc", "third.yaml"), "server: { port: 3333 }\n");
    assert.equal((await loadConfig({ env: {}, cwd })).server.port, 1111);
    assert.equal((await loadConfig({ env: { OVERT_CONFIG: "other.yaml" }, cwd })).server.port, 2222);
    const c = await loadConfig({ path: "etc/third.yaml", env: { OVERT_CONFIG: "other.yaml" }, cwd });
    assert.equal(c.server.port, 3333);
    assert.equal(c.source, join(cwd, "etc", "third.yaml"));
  });

  it("an explicitly named file that does not exist is an error", async () => {
    const cwd = await tempDir();
    await assert.rejects(loadConfig({ path: "missing.yaml", env: {}, cwd }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.file, "missing.yaml");
      assert.match(e.message, /^missing\.yaml: config file not found$/);
      return true;
    });
    await assert.rejects(loadConfig({ env: { OVERT_CONFIG: "gone.yaml" }, cwd }), ConfigError);
  });
});

describe("loadConfig: syntax and shape errors", () => {
  it("reports YAML syntax errors with file, line and column", async () => {
    const e = await loadError("server:\n  port: 80\n  host: [1, 2\nlog: {}\n");
    assert.equal(e.file, "overt.yaml");
    assert.match(e.message, /^overt\.yaml: YAML syntax error at line \d+, column \d+: /);
    const dup = await loadError("server: {}\nserver: {}\n");
    assert.match(dup.message, /line 2, column 1/);
  });

  it("rejects unknown fields anywhere, naming the file and path", async () => {
    const e = await loadError("server:\n  hots: 0.0.0.0\n");
    assert.equal(e.file, "overt.yaml");
    assert.equal(e.path, "server.hots");
    assert.equal(e.message, "overt.yaml: server.hots: unknown field");
    const p = await loadError("providers:\n  deepseek:\n    apiKey: k\n    baseURL: https://x.example.com\n");
    assert.equal(p.path, "providers.deepseek.baseURL");
    assert.equal((await loadError("colour: blue\n")).path, "colour");
    const r = await loadError(
      "providers: { deepseek: { apiKey: k } }\nmodels:\n  chat:\n    - { provider: deepseek, model: m, wieght: 2 }\n",
    );
    assert.equal(r.path, "models.chat[0].wieght");
  });

  it("names the path and the problem for wrong types and values", async () => {
    assert.equal(
      (await loadError("server: { port: 99999 }\n")).message,
      "overt.yaml: server.port: must be an integer between 0 and 65535",
    );
    assert.equal((await loadError("storage: { driver: mysql }\n")).path, "storage.driver");
    assert.match(
      (await loadError("storage: { driver: mysql }\n")).message,
      /must be one of sqlite, postgres/,
    );
    assert.equal((await loadError("log: { level: loud }\n")).path, "log.level");
    assert.equal((await loadError("homeJurisdiction: China\n")).path, "homeJurisdiction");
    assert.equal((await loadError("simulator: sometimes\n")).path, "simulator");
    assert.equal((await loadError("- a\n- b\n")).path, "");
    assert.equal((await loadError("models: { chat: [] }\n")).path, "models.chat");
  });

  it("applies file values over the environment and defaults", async () => {
    const c = await load(
      "server: { host: 10.1.2.3, port: '8080' }\ndataDir: ./state\nstorage: { driver: sqlite }\nsimulator: auto\nlog: { level: warn }\n",
      {
        OVERT_HOST: "0.0.0.0",
        OVERT_PORT: "9999",
        OVERT_DATABASE_URL: "postgres://h/db",
        OVERT_LOG_LEVEL: "debug",
      },
    );
    assert.equal(c.server.host, "10.1.2.3");
    assert.equal(c.server.port, 8080);
    assert.equal(c.storage.driver, "sqlite");
    assert.ok(c.storage.driver === "sqlite" && c.storage.path.endsWith(join("state", "overt.db")));
    assert.equal(c.log.level, "warn");
  });
});

describe("loadConfig: ${VAR} substitution", () => {
  it("substitutes variables and defaults in string values", async () => {
    const c = await load(
      "server:\n  port: ${MY_PORT:-9000}\n  host: '${MY_HOST}'\nproviders:\n  deepseek:\n    apiKey: ${DS_KEY}\n    baseUrl: https://${DS_HOST:-api.deepseek.com}/v1\n",
      { MY_HOST: "127.0.0.2", DS_KEY: "sk-from-env" },
    );
    assert.equal(c.server.port, 9000);
    assert.equal(c.server.host, "127.0.0.2");
    assert.equal(c.providers[0]?.apiKey?.reveal(), "sk-from-env");
    assert.equal(c.providers[0]?.baseUrl.href, "https://api.deepseek.com/v1");
    assert.equal((await load("server: { port: '${P:-7000}' }\n", { P: "7001" })).server.port, 7001);
  });

  it("an unset variable without a default is an error naming the path and variable", async () => {
    const e = await loadError("providers:\n  deepseek:\n    apiKey: ${DEEPSEEK_API_KEY}\n");
    assert.equal(e.file, "overt.yaml");
    assert.equal(e.path, "providers.deepseek.apiKey");
    assert.match(e.message, /environment variable DEEPSEEK_API_KEY is not set/);
    assert.equal(
      (await loadError("server: { trustedProxies: [a, '${NOPE}'] }\n")).path,
      "server.trustedProxies[1]",
    );
  });

  it("cannot inject YAML structure through a variable", async () => {
    const c = await load("server:\n  host: ${EVIL}\n", { EVIL: "h\n  port: 1\nlog: {level: trace}" });
    assert.equal(c.server.host, "h\n  port: 1\nlog: {level: trace}");
    assert.equal(c.server.port, 8787);
    assert.equal(c.log.level, "info");
  });

  it("$${ is a literal ${", async () => {
    const c = await load("server: { host: 'a$${B}c' }\n");
    assert.equal(c.server.host, "a${B}c");
  });
});

describe("loadConfig: routes", () => {
  it("resolves explicit routes with default weights", async () => {
    const c = await load(
      "providers: { deepseek: { apiKey: k }, qwen: { apiKey: q } }\nmodels:\n  chat:\n    - { provider: deepseek, model: deepseek-flash, weight: 3 }\n    - { provider: qwen, model: qwen3.8-flash }\n",
    );
    assert.deepEqual(c.routes, {
      chat: [
        { provider: "deepseek", model: "deepseek-flash", weight: 3 },
        { provider: "qwen", model: "qwen3.8-flash", weight: 1 },
      ],
    });
  });

  it("a route to a provider that is not enabled is an error naming the deployment", async () => {
    const e = await loadError(
      "providers: { deepseek: { apiKey: k } }\nmodels:\n  chat:\n    - { provider: deepseek, model: deepseek-flash }\n    - { provider: qwen, model: qwen3.8-flash }\n",
    );
    assert.equal(e.path, "models.chat[1].provider");
    assert.equal(
      e.message,
      'overt.yaml: models.chat[1].provider: "qwen" is not an enabled provider (enabled: deepseek)',
    );
    const off = await loadError(
      "providers: { deepseek: { apiKey: k, enabled: false } }\nmodels: { chat: [ { provider: deepseek, model: m } ] }\n",
    );
    assert.equal(off.path, "models.chat[0].provider");
    assert.equal(
      (await loadError("models: { chat: [ { provider: x, model: m, weight: 0 } ] }\n")).path,
      "models.chat[0].weight",
    );
  });
});

describe("loadConfig: secrets never appear in error messages", () => {
  const SECRET = "sk-SUPERSECRET-0123456789abcdef";

  async function assertNoSecret(yaml: string | null, env: Env = {}): Promise<void> {
    const e = await loadError(yaml, env);
    assert.ok(!e.message.includes(SECRET), `secret leaked: ${e.message}`);
    assert.ok(!e.message.includes("SUPERSECRET"), `secret leaked: ${e.message}`);
  }

  it("keeps configured and substituted secrets out of every kind of error", async () => {
    // A YAML syntax error on the line that holds the secret.
    await assertNoSecret(`providers:\n  deepseek:\n    apiKey: ${SECRET}: [oops\n`);
    // A password in a base URL (user info is refused without echoing the URL).
    await assertNoSecret(
      `providers:\n  deepseek:\n    apiKey: k\n    baseUrl: https://user:${SECRET}@api.example.com/v1\n`,
    );
    // A secret in an unknown field's value.
    await assertNoSecret(`security:\n  keyPeper: ${SECRET}\n`);
    // A secret substituted into a field that is then invalid.
    await assertNoSecret("server: { port: '${LEAK}' }\n", { LEAK: SECRET });
    await assertNoSecret("storage: { driver: postgres, url: '${DB}' }\n", {
      DB: `mysql://root:${SECRET}@db/x`,
    });
    await assertNoSecret(null, { OVERT_DATABASE_URL: `http://root:${SECRET}@db/x` });
    await assertNoSecret(null, { OVERT_PORT: SECRET });
    await assertNoSecret(`providers:\n  deepseek:\n    apiKey: ${SECRET}\n    region: ${SECRET}\n`);
    await assertNoSecret(null, { OPENAI_COMPATIBLE_BASE_URL: `ftp://x:${SECRET}@h/v1` });
    await assertNoSecret(`simulator: ${SECRET}\n`);
    await assertNoSecret(`log: { level: ${SECRET} }\n`);
    await assertNoSecret(
      `providers:\n  openai: { apiKey: ${SECRET} }\nmodels: { chat: [ { provider: nope, model: m } ] }\n`,
    );
  });

  it("wraps every secret in Secret", async () => {
    const c = await load(
      `security: { keyPepper: ${SECRET}, setupToken: ${SECRET} }\nproviders: { deepseek: { apiKey: ${SECRET} } }\n`,
    );
    assert.ok(c.security.keyPepper instanceof Secret);
    assert.ok(c.security.setupToken instanceof Secret);
    assert.ok(c.providers[0]?.apiKey instanceof Secret);
    const dump = JSON.stringify({
      ...c,
      providers: c.providers.map((p) => ({ ...p, prices: [...p.prices] })),
    });
    assert.ok(!dump.includes(SECRET));
  });
});
