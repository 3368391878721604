/**
 * A setup token supplied by the operator (OVERT_SETUP_TOKEN) instead of a
 * generated one: it works exactly once, and a guessable one such as "admin"
 * can never become a working credential.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { sandbox, startServe } from "../helpers/cli.js";
import { expectOpenAiError } from "../helpers/http.js";

const setup = (baseUrl: string, token: string) =>
  fetch(`${baseUrl}/admin/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ setup_token: token }),
  });

describe("OVERT_SETUP_TOKEN", () => {
  const box = sandbox();
  after(() => box.remove());

  it("an operator-chosen strong token is accepted once, then never again (also after a restart)", async () => {
    const token = "operator-chosen-setup-token-7f3a9c";
    const env = box.env({ OVERT_SETUP_TOKEN: token, OVERT_DATA_DIR: `${box.dir}/strong` });
    const server = await startServe(["--port", "0"], box.dir, env);
    try {
      // The operator's own token is not echoed to stdout; the banner names where it came from.
      assert.notEqual(server.banner.setupToken, token);
      const first = await setup(server.banner.baseUrl, token);
      assert.equal(first.status, 201);
      assert.match(((await first.json()) as { admin_token: string }).admin_token, /^ovta_/);
      await expectOpenAiError(await setup(server.banner.baseUrl, token), 401, "invalid_setup_token");
    } finally {
      assert.equal(await server.stop(), 0);
    }
    const restarted = await startServe(["--port", "0"], box.dir, env);
    try {
      assert.equal(restarted.banner.setupToken, null, "setup is done: the env token is not shown again");
      await expectOpenAiError(await setup(restarted.banner.baseUrl, token), 401, "invalid_setup_token");
    } finally {
      await restarted.stop();
    }
  });

  it("OVERT_SETUP_TOKEN=admin never yields an admin token", async () => {
    const env = box.env({ OVERT_SETUP_TOKEN: "admin", OVERT_DATA_DIR: `${box.dir}/weak` });
    const server = await startServe(["--port", "0"], box.dir, env).catch((error: Error) => error);
    if (server instanceof Error) {
      // Refusing to start at all is the better outcome (see the todo below).
      assert.match(server.message, /OVERT_SETUP_TOKEN/);
      return;
    }
    try {
      await expectOpenAiError(await setup(server.banner.baseUrl, "admin"), 401, "invalid_setup_token");
      const keys = await fetch(`${server.banner.baseUrl}/admin/keys`, {
        headers: { authorization: "Bearer admin" },
      });
      await expectOpenAiError(keys, 401, "admin_unauthorized");
    } finally {
      await server.stop();
    }
  });

  it("a setup token too short to ever be accepted is refused at start, naming the variable", {}, async () => {
    const env = box.env({ OVERT_SETUP_TOKEN: "admin", OVERT_DATA_DIR: `${box.dir}/weak2` });
    const error = await startServe(["--port", "0"], box.dir, env).then(
      async (server) => {
        await server.stop();
        return null;
      },
      (e: Error) => e,
    );
    assert.ok(error !== null, "serve started with an unusable setup token");
    assert.match(error.message, /OVERT_SETUP_TOKEN/);
  });
});
