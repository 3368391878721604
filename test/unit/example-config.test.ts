import assert from "node:assert/strict";
import { it } from "node:test";
import { loadConfig } from "../../src/config/load.js";

it("overt.example.yaml is a valid configuration", async () => {
  const config = await loadConfig({
    path: "overt.example.yaml",
    env: { DEEPSEEK_API_KEY: "sk-a", DASHSCOPE_API_KEY: "sk-b", OPENAI_API_KEY: "sk-c" },
    cwd: process.cwd(),
  });
  assert.deepEqual(config.providers.map((p) => p.id).sort(), ["deepseek", "openai", "qwen"]);
  assert.equal(config.providers.find((p) => p.id === "qwen")?.jurisdiction, "SG");
  assert.equal(config.routes.chat?.length, 2);
  assert.equal(config.simulator, false);
  assert.equal(config.server.port, 8787);
});
