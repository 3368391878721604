/**
 * `overt verify` end to end (issue 5): receipts, proofs and checkpoints served
 * by a real relay, checked offline by the CLI as a child process. Every
 * tampering case (a changed byte in the receipt, the response, the proof, a
 * checkpoint; a wrong key; a rewritten earlier checkpoint) exits 1 and names
 * what failed; bad invocations exit 2.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { formatCheckpoint, parseCheckpoint } from "../../src/integrity/checkpoint.js";
import { proveTree } from "../../src/integrity/merkle-proof.js";
import { signNote } from "../../src/integrity/note.js";
import { generateNoteKey } from "../../src/integrity/note-keys.js";
import { tileHashReader } from "../../src/integrity/tile-reader.js";
import { CLI, type CliResult, runCli, type Sandbox, sandbox } from "../helpers/cli.js";
import { getText, type SavedExchange, saveExchange, wellKnown } from "../helpers/integrity.js";
import { startTestRelay, startTestUpstream, type TestRelay, type TestUpstream } from "../helpers/relay.js";

const checkpointText = (origin: string, size: number, root: Buffer) =>
  formatCheckpoint({ origin, size, root, extensions: [] });

/** Flips one bit of the byte at `at` (negative: from the end) of a file; returns the new path. */
function tamper(path: string, at: number, suffix = "tampered"): string {
  const bytes = readFileSync(path);
  const i = at < 0 ? bytes.length + at : at;
  bytes[i] = bytes[i]! ^ 1;
  const out = `${path}.${suffix}`;
  writeFileSync(out, bytes);
  return out;
}

/** Changes one base64 character to another valid one, so the line still decodes to 32 bytes. */
function tamperBase64(path: string, at: number): string {
  const bytes = readFileSync(path);
  bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
  const out = `${path}.tampered-b64`;
  writeFileSync(out, bytes);
  return out;
}

function runWithStdin(args: string[], cwd: string, env: Record<string, string>, input: Buffer) {
  return new Promise<CliResult>((done) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env, timeout: 20_000 },
      (error, stdout, stderr) =>
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

describe("overt verify", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let box: Sandbox;
  let vkey: string;
  let first: SavedExchange;
  let later: SavedExchange;
  let oldCheckpoint: string;
  let newCheckpoint: string;
  let consistency: string;

  const cli = (args: string[]) => runCli(["verify", ...args], box.dir, box.env());
  const keyArgs = () => ["--vkey", vkey];

  before(async () => {
    upstream = await startTestUpstream({ id: "sim", models: ["echo"] });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
    });
    box = sandbox();
    vkey = (await wellKnown(relay.baseUrl)).log.verifierKeys.at(-1)!;
    first = await saveExchange(relay, box.dir, "first", "hello verify");
    oldCheckpoint = join(box.dir, "old.checkpoint");
    writeFileSync(oldCheckpoint, await getText(`${relay.baseUrl}/log/checkpoint`));
    for (let i = 0; i < 4; i++) await saveExchange(relay, box.dir, `more${i}`, `more ${i}`, i % 2 === 1);
    later = await saveExchange(relay, box.dir, "later", "streamed later", true);
    newCheckpoint = join(box.dir, "new.checkpoint");
    writeFileSync(newCheckpoint, await getText(`${relay.baseUrl}/log/checkpoint`));
    // The consistency proof a client would get from an auditor: built from the relay's tiles.
    const older = parseCheckpoint(readFileSync(oldCheckpoint, "utf8").split("\n\n")[0]! + "\n");
    const newer = parseCheckpoint(readFileSync(newCheckpoint, "utf8").split("\n\n")[0]! + "\n");
    const reader = tileHashReader(
      newer,
      async (path) => new Uint8Array(await (await fetch(`${relay.baseUrl}/log/${path}`)).arrayBuffer()),
    );
    const proof = await proveTree(newer.size, older.size, reader);
    consistency = join(box.dir, "consistency.txt");
    writeFileSync(consistency, proof.map((h) => `${h.toString("base64")}\n`).join(""));
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
    box.remove();
  });

  const everything = (x: SavedExchange) => [
    x.receipt,
    "--proof",
    x.proof,
    "--body",
    x.body,
    "--response",
    x.response,
    "--blind",
    x.blind,
    ...keyArgs(),
  ];

  it("passes every check for an untouched receipt, proof, request and response", async () => {
    for (const x of [first, later]) {
      const result = await cli(everything(x));
      assert.equal(result.code, 0, result.stdout + result.stderr);
      for (const line of [
        /^ok +receipt +receipt rcpt_\S+ parses/m,
        /^ok +request hash +request hash matches your request body/m,
        /^ok +response hash +response hash matches your response/m,
        /^ok +proof checkpoint +proof's checkpoint \(overt\.log\/[0-9a-f]+, size \d+\) is signed/m,
        /^ok +inclusion +receipt is entry \d+ of the log at size \d+/m,
        /^verified: \d+ checks passed$/m,
      ])
        assert.match(result.stdout, line);
    }
  });

  it("--json gives the checks, the receipt and its log index", async () => {
    const result = await cli([...everything(first), "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { check: string; status: string }[];
      receipt: { id: string; model: string };
      index: number;
      checkpoint: { origin: string; size: number };
    };
    assert.equal(json.ok, true);
    assert.equal(json.receipt.id, first.id);
    assert.equal(json.receipt.model, "gpt-echo");
    assert.ok(json.index > 0 && json.index < json.checkpoint.size);
    assert.ok(json.checks.every((c) => c.status !== "FAIL"));
  });

  it("a changed byte in the receipt: the proof no longer leads to the checkpoint root", async () => {
    const forged = join(box.dir, "forged.receipt");
    writeFileSync(forged, first.receiptText.replace("status ok 200", "status ok 201"));
    const result = await cli([forged, "--proof", first.proof, ...keyArgs()]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +inclusion +proof does not lead to the checkpoint root/m);
    assert.match(result.stdout, /^ok +receipt /m, "it still parses: only the proof catches it");
    // A byte anywhere: the model line.
    const other = tamper(first.receipt, first.receiptText.indexOf("model ") + 7);
    assert.match((await cli([other, "--proof", first.proof, ...keyArgs()])).stdout, /FAIL +inclusion/);
  });

  it("a changed byte in the response or the request body: names which hash differs", async () => {
    const response = tamper(first.response, -3);
    const result = await cli([...everything(first).map((a) => (a === first.response ? response : a))]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +response hash +response hash differs/m);
    assert.match(result.stdout, /^ok +request hash /m);
    assert.match(result.stdout, /^ok +inclusion /m);
    assert.match(result.stdout, /^FAILED: response hash differs/m);

    const body = tamper(first.body, 5);
    const both = await cli(everything(first).map((a) => (a === first.body ? body : a)));
    assert.equal(both.code, 1);
    assert.match(both.stdout, /^FAIL +request hash +request hash differs/m);
    assert.match(both.stdout, /^ok +response hash /m);

    const wrongBlind = await cli(everything(first).map((a) => (a === first.blind ? later.blind : a)));
    assert.match(wrongBlind.stdout, /FAIL +request hash[\s\S]*FAIL +response hash/);
  });

  it("a changed byte in the proof: a hash, the index, or its checkpoint", async () => {
    const lines = first.proofText.split("\n");
    const hashLine = lines.findIndex((l, i) => i > 1 && /^[A-Za-z0-9+/]{43}=$/.test(l));
    assert.ok(hashLine > 0, "the proof has at least one hash");
    const flipped = [...lines];
    const h = flipped[hashLine]!;
    flipped[hashLine] = (h[0] === "A" ? "B" : "A") + h.slice(1);
    const badHash = join(box.dir, "bad-hash.proof");
    writeFileSync(badHash, flipped.join("\n"));
    let result = await cli([first.receipt, "--proof", badHash, ...keyArgs()]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +inclusion +proof does not lead to the checkpoint root/m);

    const badIndex = join(box.dir, "bad-index.proof");
    writeFileSync(
      badIndex,
      first.proofText.replace(/^index (\d+)$/m, (_, n: string) => `index ${Number(n) + 1}`),
    );
    result = await cli([first.receipt, "--proof", badIndex, ...keyArgs()]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL +inclusion +(proof does not lead|inclusion proof is invalid)/);

    // The checkpoint inside the proof: one byte of its root.
    const at = first.proofText.indexOf("\n\n") + 2;
    const rootAt = first.proofText.indexOf("\n", first.proofText.indexOf("\n", at) + 1) + 3;
    const badCheckpoint = tamper(first.proof, rootAt, "checkpoint");
    result = await cli([first.receipt, "--proof", badCheckpoint, ...keyArgs()]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +proof checkpoint +proof's checkpoint signature does not verify/m);

    const garbage = join(box.dir, "garbage.proof");
    writeFileSync(garbage, "not a proof\n");
    result = await cli([first.receipt, "--proof", garbage, ...keyArgs()]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +proof +proof is malformed/m);
  });

  it("a key that is not the log's: the checkpoint signature does not verify with any given key", async () => {
    const stranger = generateNoteKey((await wellKnown(relay.baseUrl)).log.origin).verifierKey;
    const result = await cli([first.receipt, "--proof", first.proof, "--vkey", stranger]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /signature does not verify with any given key/);
    const wrongOrigin = await cli([
      first.receipt,
      "--proof",
      first.proof,
      ...keyArgs(),
      "--origin",
      "other.log",
    ]);
    assert.equal(wrongOrigin.code, 1);
    assert.match(wrongOrigin.stdout, /FAIL +proof checkpoint .*another log/);
  });

  it("consistency: an earlier checkpoint is a prefix of the newer one", async () => {
    const args = ["--old-checkpoint", oldCheckpoint, "--consistency", consistency, ...keyArgs()];
    let result = await cli([later.receipt, "--proof", later.proof, ...args]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^ok +old checkpoint +old checkpoint .* is signed/m);
    assert.match(result.stdout, /^ok +consistency +the log at size \d+ extends the log at size \d+/m);
    result = await cli([later.receipt, "--checkpoint", newCheckpoint, ...args]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^ok +checkpoint +checkpoint .* is signed/m);

    // A changed (still well-formed) hash in the consistency proof.
    const badProof = tamperBase64(consistency, 2);
    result = await cli([
      later.receipt,
      "--checkpoint",
      newCheckpoint,
      ...args.map((a) => (a === consistency ? badProof : a)),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +consistency +consistency proof does not lead to/m);

    // A changed byte in the newer checkpoint (its size line).
    const text = readFileSync(newCheckpoint, "utf8");
    const badNew = tamper(newCheckpoint, text.indexOf("\n") + 1);
    result = await cli([later.receipt, "--checkpoint", badNew, ...args]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL +checkpoint +checkpoint (signature does not verify|is malformed)/m);
  });

  it("a rewritten history: an earlier checkpoint signed by the log that the newer one does not extend", async () => {
    // The relay's own key signs a different tree of the old size (what a log that rewrote history would show).
    const older = parseCheckpoint(readFileSync(oldCheckpoint, "utf8").split("\n\n")[0]! + "\n");
    const fakeRoot = Buffer.alloc(32, 7);
    const forged = join(box.dir, "forged-old.checkpoint");
    const signer = relay.relay.integrity.log.identity.signer;
    writeFileSync(forged, signNote(checkpointText(older.origin, older.size, fakeRoot), [signer]));
    const result = await cli([
      later.receipt,
      "--proof",
      later.proof,
      "--old-checkpoint",
      forged,
      "--consistency",
      consistency,
      ...keyArgs(),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^ok +old checkpoint /m, "the forged checkpoint is validly signed");
    assert.match(
      result.stdout,
      /^FAIL +consistency +consistency proof does not lead to the earlier checkpoint's root .*rewrote history/m,
    );
  });

  it("reads the receipt from stdin", async () => {
    const result = await runWithStdin(
      ["verify", "-", "--proof", first.proof, ...keyArgs()],
      box.dir,
      box.env(),
      readFileSync(first.receipt),
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^ok +inclusion /m);
  });

  it("usage errors exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [[first.receipt], /--vkey/],
      [[join(box.dir, "missing.receipt"), ...keyArgs()], /cannot read receipt .*ENOENT/],
      [[first.receipt, "--body", first.body, ...keyArgs()], /need --blind/],
      [[first.receipt, "--body", first.body, "--blind", "xyz", ...keyArgs()], /--blind must be the hex/],
      [
        [first.receipt, "--proof", first.proof, "--old-checkpoint", oldCheckpoint, ...keyArgs()],
        /--consistency FILE.*overt log audit/,
      ],
      [[first.receipt, "--vkey", "not-a-key"], /bad verifier key/],
      [[first.receipt, "--bogus", ...keyArgs()], /unknown option/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});

describe("overt verify: receipts signed one by one", () => {
  it("checks the receipt's own signature, and the proof over the signed note", async () => {
    const upstream = await startTestUpstream({ id: "sim", models: ["echo"] });
    const relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
      signReceipts: true,
    });
    const box = sandbox();
    try {
      const vkey = (await wellKnown(relay.baseUrl)).log.verifierKeys.at(-1)!;
      const x = await saveExchange(relay, box.dir, "signed", "sign me");
      let result = await runCli(["verify", x.receipt, "--vkey", vkey], box.dir, box.env());
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^ok +receipt signature +receipt signed by overt\.log\//m);
      assert.doesNotMatch(result.stdout, /nothing here proves/);
      result = await runCli(["verify", x.receipt, "--proof", x.proof, "--vkey", vkey], box.dir, box.env());
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^ok +inclusion /m);

      const forged = join(box.dir, "forged.receipt");
      writeFileSync(forged, x.receiptText.replace("status ok 200", "status ok 201"));
      result = await runCli(["verify", forged, "--proof", x.proof, "--vkey", vkey], box.dir, box.env());
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^FAIL +receipt signature +receipt signature does not verify/m);
      assert.match(result.stdout, /^FAIL +inclusion /m);
    } finally {
      box.remove();
      await relay.close();
      await upstream.simulator.close();
    }
  });
});
