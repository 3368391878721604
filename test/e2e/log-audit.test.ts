/**
 * `overt log audit` end to end (issue 5): the CLI, as a child process, audits a
 * real relay through a small proxy that can replace what the relay serves —
 * playing a relay that forks or rewrites its log, rolls it back, serves a
 * tampered checkpoint, tile or entry bundle, or swaps its signing key. Honest
 * runs exit 0, report the routing-policy history and keep the state; every
 * inconsistency exits 1, names what failed and leaves the state untouched.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { formatCheckpoint, parseCheckpoint } from "../../src/integrity/checkpoint.js";
import { decodeEntryBundle, encodeEntryBundle } from "../../src/integrity/entry-bundle.js";
import { MemoryTree } from "../../src/integrity/memory-tree.js";
import { signNote } from "../../src/integrity/note.js";
import { generateNoteKey, newSigner } from "../../src/integrity/note-keys.js";
import { ENTRIES_LEVEL, newTiles, parseTilePath, readTileData, tilePath } from "../../src/integrity/tiles.js";
import { runCli, type Sandbox, sandbox } from "../helpers/cli.js";
import { getText, type RelayProxy, saveExchange, startProxy, wellKnown } from "../helpers/integrity.js";
import { startTestRelay, startTestUpstream, type TestRelay, type TestUpstream } from "../helpers/relay.js";

const checkpointText = (origin: string, size: number, root: Buffer) =>
  formatCheckpoint({ origin, size, root, extensions: [] });

interface SavedState {
  origin: string;
  size: number;
  verifierKeys: string[];
  receipts: number;
}

/** Serves a whole other tree (entries given) through the proxy: tiles, bundles and a checkpoint signed by `sign`. */
async function serveTree(
  proxy: RelayProxy,
  origin: string,
  entries: Buffer[],
  sign: (text: string) => string,
) {
  const tree = new MemoryTree();
  for (const e of entries) await tree.append(e);
  const note = sign(checkpointText(origin, tree.size, await tree.root()));
  proxy.override = async (path) => {
    if (path === "/log/checkpoint") return note;
    if (!path.startsWith("/log/tile/")) return undefined;
    const tile = parseTilePath(path.slice("/log/".length));
    if (tile.level === ENTRIES_LEVEL)
      return encodeEntryBundle(entries.slice(tile.index * 256, tile.index * 256 + tile.width));
    return readTileData(tile, tree.reader);
  };
  return note;
}

describe("overt log audit", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let proxy: RelayProxy;
  let box: Sandbox;
  let origin: string;
  /** The default state file, once the first audit wrote it. */
  let statePath: string;
  let earlyCheckpoint: string;

  const audit = (args: string[] = []) => runCli(["log", "audit", proxy.url, ...args], box.dir, box.env());
  const state = (path = statePath) => JSON.parse(readFileSync(path, "utf8")) as SavedState;
  /** A copy of the honest state, for one adversarial run. */
  const stateCopy = (name: string) => {
    const path = join(box.dir, `${name}.json`);
    copyFileSync(statePath, path);
    return path;
  };
  const signer = () => relay.relay.integrity.log.identity.signer;
  const entries = async (size: number) => {
    const out: Buffer[] = [];
    for (const t of newTiles(0, size).filter((t) => t.level === 0)) {
      const path = tilePath({ ...t, level: ENTRIES_LEVEL });
      const bytes = new Uint8Array(await (await fetch(`${relay.baseUrl}/log/${path}`)).arrayBuffer());
      out.push(...decodeEntryBundle(bytes, t.width).map((e) => Buffer.from(e)));
    }
    return out;
  };
  const currentSize = async () =>
    parseCheckpoint((await getText(`${relay.baseUrl}/log/checkpoint`)).split("\n\n")[0]! + "\n").size;

  before(async () => {
    upstream = await startTestUpstream({ id: "sim", models: ["echo"] });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
    });
    proxy = await startProxy(relay.baseUrl);
    box = sandbox();
    origin = (await wellKnown(relay.baseUrl)).log.origin;
    await saveExchange(relay, box.dir, "a", "first");
    await saveExchange(relay, box.dir, "b", "second", true);
    earlyCheckpoint = await getText(`${relay.baseUrl}/log/checkpoint`);
  });
  after(async () => {
    await proxy.close();
    await relay.close();
    await upstream.simulator.close();
    box.remove();
  });

  it("first audit: trust on first use, the policy history, admin actions; the state is kept", async () => {
    const result = await audit();
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /^Auditing http:\/\/127\.0\.0\.1:\d+\/ \(log overt\.log\/[0-9a-f]+, max merge delay 1 s\)/m,
    );
    assert.match(
      result.stdout,
      /^warn +keys +first audit of this log: trusting origin .* \(trust on first use\)/m,
    );
    assert.match(result.stdout, /^ok +checkpoint +checkpoint signed by the log: size \d+/m);
    assert.match(result.stdout, /^ok +entries +entries 0\.\.\d+ match the log's tiles/m);
    assert.match(
      result.stdout,
      /^Routing policy history \(1\):\n {2}#0 {2}\d+ routes \(.*gpt-echo → sim\/echo;.*\); 1 provider \(sim \(openai-compatible at 127\.0\.0\.1:\d+, LOCAL\)\); hosts 127\.0\.0\.1:\d+; 1 tenant$/m,
    );
    assert.match(result.stdout, /^ {6}first policy seen$/m);
    assert.match(result.stdout, /^Admin actions: 1 \(key\.create 1\)$/m);
    assert.match(result.stdout, /^Receipts: 2$/m);
    const dir = join(box.dir, ".overt", "audit");
    assert.deepEqual(readdirSync(dir), [`${origin.replace(/[^A-Za-z0-9._-]/g, "_")}.json`]);
    statePath = join(dir, readdirSync(dir)[0]!);
    const saved = state();
    assert.equal(saved.origin, origin);
    assert.deepEqual(saved.verifierKeys, (await wellKnown(relay.baseUrl)).log.verifierKeys);
    assert.equal(saved.size, await currentSize());
  });

  it("a later audit proves the log extends the checkpoint it saw; --json", async () => {
    const before = state().size;
    for (let i = 0; i < 3; i++) await saveExchange(relay, box.dir, `c${i}`, `more ${i}`);
    const result = await audit(["--json"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const json = JSON.parse(result.stdout) as {
      ok: boolean;
      findings: { check: string; status: string; message: string }[];
      checkpoint: { size: number };
      previous: { size: number };
      receipts: number;
      policies: unknown[];
    };
    assert.equal(json.ok, true);
    assert.equal(json.previous.size, before);
    assert.ok(json.checkpoint.size >= before + 3);
    assert.equal(json.receipts, 5);
    assert.equal(json.policies.length, 1);
    assert.match(
      json.findings.find((f) => f.check === "consistency")?.message ?? "",
      new RegExp(`^size ${json.checkpoint.size} extends the checkpoint seen .* \\(size ${before}\\)`),
    );
    const again = await audit();
    assert.equal(again.code, 0);
    assert.match(again.stdout, /^ok +consistency +unchanged since /m);
  });

  it("a checkpoint with a changed byte: the signature does not verify", async () => {
    const note = await getText(`${relay.baseUrl}/log/checkpoint`);
    const at = note.indexOf("\n") + 1;
    proxy.override = (path) =>
      path === "/log/checkpoint"
        ? `${note.slice(0, at)}${note[at] === "9" ? "8" : "9"}${note.slice(at + 1)}`
        : undefined;
    try {
      const saved = readFileSync(statePath, "utf8");
      const result = await audit();
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /^FAIL +checkpoint +checkpoint (signature does not verify|rejected)/m);
      assert.equal(readFileSync(statePath, "utf8"), saved, "the state is not touched");
      assert.ok(existsSync(`${statePath}.rejected-checkpoint`), "the refused checkpoint is kept as evidence");
    } finally {
      proxy.override = () => undefined;
    }
  });

  it("a rewritten history: a validly signed checkpoint that does not extend the saved one", async () => {
    const size = await currentSize();
    const real = await entries(size);
    // The first receipt changed after the fact, and one more entry appended.
    const forged = [...real];
    const k = real.findIndex((e) => e.toString("utf8").startsWith("overt.receipt/v1\n"));
    forged[k] = Buffer.from(real[k]!.toString("utf8").replace("status ok 200", "status ok 299"));
    assert.notDeepEqual(forged[k], real[k]);
    forged.push(Buffer.from("overt.admin/v1\n{}\n"));
    const note = await serveTree(proxy, origin, forged, (t) => signNote(t, [signer()]));
    try {
      const path = stateCopy("rewritten");
      const result = await audit(["--state", path]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /^ok +checkpoint +checkpoint signed by the log/m);
      assert.match(
        result.stdout,
        new RegExp(
          `^FAIL +consistency +the log rewrote history: the tree at size ${size + 1} does not extend the checkpoint seen .* \\(size ${size}\\)`,
          "m",
        ),
      );
      assert.equal(readFileSync(`${path}.rejected-checkpoint`, "utf8"), note);
      assert.equal(state(path).size, size, "the saved checkpoint is kept");

      // The same forgery at the saved size: a fork.
      await serveTree(proxy, origin, forged.slice(0, size), (t) => signNote(t, [signer()]));
      const fork = await audit(["--state", path]);
      assert.equal(fork.code, 1);
      assert.match(fork.stdout, /^FAIL +consistency +the log forked: same size as the checkpoint seen/m);
    } finally {
      proxy.override = () => undefined;
    }
  });

  it("a rollback to an earlier checkpoint: the log shrank", async () => {
    proxy.override = (path) => (path === "/log/checkpoint" ? earlyCheckpoint : undefined);
    try {
      const result = await audit(["--state", stateCopy("rollback")]);
      assert.equal(result.code, 1);
      assert.match(
        result.stdout,
        /^FAIL +consistency +the log shrank: size \d+ is smaller than the checkpoint seen/m,
      );
    } finally {
      proxy.override = () => undefined;
    }
  });

  it("tiles or entry bundles that do not match the signed checkpoint", async () => {
    await saveExchange(relay, box.dir, "d", "one more");
    const size = await currentSize();
    const width = size % 256;
    const level0 = `/log/tile/0/000${width === 0 ? "" : `.p/${width}`}`;
    const bundle = `/log/tile/entries/000${width === 0 ? "" : `.p/${width}`}`;
    const flip = async (path: string, at: number) => {
      const bytes = Buffer.from(await (await fetch(`${relay.baseUrl}${path}`)).arrayBuffer());
      bytes[at] = bytes[at]! ^ 1;
      return bytes;
    };
    try {
      const badTile = await flip(level0, 5);
      proxy.override = (path) => (path === level0 ? badTile : undefined);
      let result = await audit(["--state", stateCopy("bad-tile")]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /^FAIL +consistency +the log's tiles do not hash to the checkpoint root/m);

      // A first audit reads every entry: a changed byte in a bundle is caught against the level-0 tile.
      const badBundle = await flip(bundle, 40);
      proxy.override = (path) => (path === bundle ? badBundle : undefined);
      result = await audit(["--state", join(box.dir, "fresh.json")]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stdout,
        /^FAIL +entries +entry bundles do not match the log: tile\/entries\/000.* does not hash to the tile's leaf hash/m,
      );
      assert.equal(existsSync(join(box.dir, "fresh.json")), false, "no state from a failed audit");

      // A checkpoint signed by the log over a root the tiles do not have.
      const forged = signNote(checkpointText(origin, size, Buffer.alloc(32, 1)), [signer()]);
      proxy.override = (path) => (path === "/log/checkpoint" ? forged : undefined);
      result = await audit(["--state", stateCopy("bad-root")]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^FAIL +consistency +the log's tiles do not hash to the checkpoint root/m);
    } finally {
      proxy.override = () => undefined;
    }
  });

  it("a key change is reported, not trusted, until accepted", async () => {
    const known = await wellKnown(relay.baseUrl);
    const fresh = generateNoteKey(origin);
    const realNote = await getText(`${relay.baseUrl}/log/checkpoint`);
    const resigned = signNote(realNote.split("\n\n")[0]! + "\n", [newSigner(fresh.signerKey)]);
    proxy.override = (path) => {
      if (path === "/.well-known/overt.json")
        return JSON.stringify({ ...known, log: { ...known.log, verifierKeys: [fresh.verifierKey] } });
      return path === "/log/checkpoint" ? resigned : undefined;
    };
    try {
      const path = stateCopy("keys");
      let result = await audit(["--state", path]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stdout,
        /^FAIL +keys +verifier keys changed since .* \(added overt\.log\/[0-9a-f]+\+[0-9a-f]{8}, removed overt\.log\/[0-9a-f]+\+[0-9a-f]{8}\); only the saved keys are trusted/m,
      );
      assert.match(
        result.stdout,
        /^FAIL +checkpoint +checkpoint signature does not verify with any saved key/m,
      );
      assert.deepEqual(state(path).verifierKeys, known.log.verifierKeys);

      result = await audit(["--state", path, "--accept-keys"]);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /^warn +keys +verifier keys changed .*; accepted \(--accept-keys\)/m);
      assert.deepEqual(state(path).verifierKeys, [fresh.verifierKey]);
    } finally {
      proxy.override = () => undefined;
    }
  });

  it("a relay that starts a new log under another origin at the same URL", async () => {
    const known = await wellKnown(relay.baseUrl);
    const otherOrigin = `${origin}-fresh`;
    const key = generateNoteKey(otherOrigin);
    await serveTree(proxy, otherOrigin, [Buffer.from("overt.admin/v1\n{}\n")], (t) =>
      signNote(t, [newSigner(key.signerKey)]),
    );
    const inner = proxy.override;
    proxy.override = (path) =>
      path === "/.well-known/overt.json"
        ? JSON.stringify({
            ...known,
            log: { ...known.log, origin: otherOrigin, verifierKeys: [key.verifierKey] },
          })
        : inner(path);
    try {
      const result = await audit();
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stdout,
        new RegExp(`^FAIL +origin +log origin changed: was ${origin}, now ${otherOrigin}`, "m"),
      );
    } finally {
      proxy.override = () => undefined;
    }
  });

  it("usage errors exit 2", async () => {
    for (const [args, message] of [
      [["log", "audit", "ftp://example.org"], /must be http/],
      [["log", "audit", "not a url"], /is not a URL/],
      [["log", "audit"], /missing required argument/],
    ] as const) {
      const result = await runCli([...args], box.dir, box.env());
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
    const corrupt = join(box.dir, "corrupt.json");
    rmSync(corrupt, { force: true });
    copyFileSync(join(box.dir, "a.body.json"), corrupt);
    const result = await audit(["--state", corrupt]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /state file .* is corrupt/);
  });
});

describe("overt log audit: the routing-policy history across restarts", () => {
  it("a restart with new routes and a new upstream logs a policy entry; the audit says what changed", async () => {
    const { createRelay } = await import("../../src/main.js");
    const { createLogger } = await import("../../src/observability/logger.js");
    const { testConfig } = await import("../helpers/relay.js");
    const one = await startTestUpstream({ id: "sim", models: ["echo"] });
    const two = await startTestUpstream({ id: "sim2", models: ["echo2"], jurisdiction: "US" });
    const first = await startTestRelay({
      providers: [one.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
    });
    const proxy = await startProxy(first.baseUrl);
    const box = sandbox();
    const audit = () => runCli(["log", "audit", proxy.url], box.dir, box.env());
    let second: Awaited<ReturnType<typeof createRelay>> | undefined;
    try {
      assert.equal((await audit()).code, 0);
      await first.relay.close(); // keeps its data directory
      second = await createRelay(
        testConfig(first.dataDir, {
          providers: [one.provider, two.provider],
          routes: {
            "gpt-echo": [
              { provider: "sim", model: "echo", weight: 1 },
              { provider: "sim2", model: "echo2", weight: 3 },
            ],
            "gpt-two": [{ provider: "sim2", model: "echo2", weight: 1 }],
          },
        }),
        { logger: createLogger("silent") },
      );
      proxy.target = await second.app.listen({ host: "127.0.0.1", port: 0 });
      const result = await audit();
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^Routing policy history \(2\):/m);
      assert.match(
        result.stdout,
        /^ {2}#\d+ {2}\d+ routes \(.*gpt-echo → sim\/echo \+ sim2\/echo2×3; gpt-two → sim2\/echo2;.*\); 2 providers \(sim \(.*, LOCAL\); sim2 \(openai-compatible at 127\.0\.0\.1:\d+, US\)\)/m,
      );
      for (const change of [
        "route gpt-echo: sim/echo → sim/echo + sim2/echo2×3",
        "route gpt-two added",
        "provider sim2 added",
      ])
        assert.ok(result.stdout.includes(`      ${change}\n`), `${change} in:\n${result.stdout}`);
    } finally {
      await second?.close();
      await proxy.close();
      await first.close();
      await one.simulator.close();
      await two.simulator.close();
      box.remove();
    }
  });
});
