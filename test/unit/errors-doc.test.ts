import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { renderErrorsMarkdown } from "../../src/errors/doc.js";
import { ERRORS } from "../../src/errors/registry.js";

it("docs/ERRORS.md is the registry, entry for entry (run `npm run docs:errors` after changing it)", () => {
  const committed = readFileSync("docs/ERRORS.md", "utf8");
  assert.equal(committed, renderErrorsMarkdown());
  for (const name of Object.keys(ERRORS)) assert.ok(committed.includes(`\`${name}\``), name);
});

it("registry names follow OVT_ERR_<AREA>_<THING> and codes are snake_case", () => {
  for (const [name, def] of Object.entries(ERRORS)) {
    assert.match(name, /^OVT_ERR_[A-Z]+_[A-Z_]+$/);
    assert.match(def.code, /^[a-z_]+$/);
    assert.ok(def.status >= 400 && def.status < 600, name);
  }
});
