/**
 * Checkpoints (tlog-checkpoint) and tlog-proofs end to end: a log in memory
 * signs checkpoints, witnesses cosign, proofs are formatted in torchwood's
 * exact layout, and verifyProof accepts them only under the right origin,
 * keys, witness quorum and entry; any flipped byte of a proof is rejected.
 * Also checks the library stays pure (node built-ins only).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from "../../src/integrity/checkpoint.js";
import { cosignerFromSeed, newCosignatureVerifier } from "../../src/integrity/cosignature.js";
import { VerificationError } from "../../src/integrity/errors.js";
import { MemoryTree } from "../../src/integrity/memory-tree.js";
import { leafHash } from "../../src/integrity/merkle.js";
import { proveRecord } from "../../src/integrity/merkle-proof.js";
import { signNote } from "../../src/integrity/note.js";
import {
  ed25519PrivateKey,
  ed25519PublicKeyBytes,
  generateNoteKey,
  newSigner,
  newVerifier,
  verifierKeyFor,
} from "../../src/integrity/note-keys.js";
import { formatProof, parseProof, verifyProof } from "../../src/integrity/proof.js";

const isCode = (code: string) => (e: unknown) => e instanceof VerificationError && e.code === code;
const ORIGIN = "relay.example/log";

describe("integrity: checkpoint text", () => {
  it("parses the spec's example and formats it back", () => {
    const text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    const checkpoint = parseCheckpoint(text);
    assert.equal(checkpoint.origin, "example.com/behind-the-sofa");
    assert.equal(checkpoint.size, 20_852_163);
    assert.equal(checkpoint.root.toString("base64"), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    assert.deepEqual(checkpoint.extensions, []);
    assert.equal(formatCheckpoint(checkpoint), text);
    const extended = `${text}ext one\next two\n`;
    assert.deepEqual(parseCheckpoint(extended).extensions, ["ext one", "ext two"]);
    assert.equal(formatCheckpoint(parseCheckpoint(extended)), extended);
    assert.equal(parseCheckpoint(`o\n0\n${"A".repeat(43)}=\n`).size, 0);
  });

  it("rejects malformed checkpoint text", () => {
    const root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    for (const text of [
      `o\n1\n${root}`,
      "o\n1\n",
      `\n1\n${root}\n`,
      `o\n01\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n+1\n${root}\n`,
      `o\n1.0\n${root}\n`,
      `o\n \n${root}\n`,
      `o\n9007199254740992\n${root}\n`,
      `o\n1\n${root.slice(0, -4)}\n`,
      `o\n1\n${root.replace("/", "_")}\n`,
      `o\n1\n${root}\n\n`,
      `o\n1\n${root}\next\n\n`,
    ]) {
      assert.throws(() => parseCheckpoint(text), isCode("malformed-checkpoint"), JSON.stringify(text));
    }
    assert.throws(
      () => formatCheckpoint({ origin: "a\nb", size: 1, root: Buffer.alloc(32), extensions: [] }),
      RangeError,
    );
    assert.throws(
      () => formatCheckpoint({ origin: "a", size: 1, root: Buffer.alloc(32), extensions: [""] }),
      RangeError,
    );
  });
});

describe("integrity: tlog-proof format", () => {
  const h1 = leafHash(Buffer.from("hash1"));
  const h2 = leafHash(Buffer.from("hash2"));

  it("formats exactly as torchwood does, and parses back", () => {
    const cases = [
      {
        p: { index: 5, proof: [h1, h2], checkpoint: "test checkpoint\n" },
        want: `index 5\n${b(h1)}\n${b(h2)}\n\n`,
      },
      {
        p: {
          index: 10,
          proof: [h1],
          checkpoint: "checkpoint data\n",
          extra: Buffer.from("extra information"),
        },
        want: `extra ${b(Buffer.from("extra information"))}\nindex 10\n${b(h1)}\n\n`,
      },
      { p: { index: 0, proof: [], checkpoint: "checkpoint\n" }, want: "index 0\n\n" },
    ];
    for (const { p, want } of cases) {
      const text = formatProof(p);
      assert.equal(text, `c2sp.org/tlog-proof@v1\n${want}${p.checkpoint}`);
      assert.deepEqual(parseProof(text), p);
    }
  });

  it("rejects malformed proofs", () => {
    const cp = "example.com/test\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    for (const text of [
      `index 0\n\n${cp}`,
      `wrong-header\nindex 0\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex notanumber\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex -1\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex 01\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex 9007199254740992\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nextra not-valid-base64!!!\nindex 0\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex 0\nnot-valid-base64!!!\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex 0\n${b(Buffer.alloc(16))}\n\n${cp}`,
      `c2sp.org/tlog-proof@v1\nindex 0\n${b(h1)}\n`,
      "c2sp.org/tlog-proof@v1\nindex 0\n\n",
      "c2sp.org/tlog-proof@v1\n",
      "",
    ]) {
      assert.throws(() => parseProof(text), isCode("malformed-proof"), JSON.stringify(text));
    }
  });
});

function b(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

describe("integrity: verifying tlog-proofs", async () => {
  const log = generateNoteKey(ORIGIN);
  const logSigner = newSigner(log.signerKey);
  const logVerifier = newVerifier(log.verifierKey);
  const witnessSeeds = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
  const witnesses = witnessSeeds.map((seed, i) =>
    cosignerFromSeed(`witness${i}.example`, seed, () => 1_700_000_000),
  );
  const witnessVerifiers = witnessSeeds.map((seed, i) =>
    newCosignatureVerifier(
      verifierKeyFor(`witness${i}.example`, ed25519PublicKeyBytes(ed25519PrivateKey(seed)), 0x04),
    ),
  );

  const tree = new MemoryTree();
  for (let i = 0; i < 1000; i++) await tree.append(Buffer.from(`receipt ${i}`));
  const checkpointText = formatCheckpoint({
    origin: ORIGIN,
    size: tree.size,
    root: await tree.root(),
    extensions: [],
  });
  const signed = signNote(checkpointText, [logSigner, ...witnesses]);
  const proofFor = async (index: number, checkpoint = signed) =>
    formatProof({
      index,
      proof: await proveRecord(tree.size, index, tree.reader),
      checkpoint,
      extra: Buffer.from("x"),
    });
  const policy = { origin: ORIGIN, logVerifiers: [logVerifier], witnessVerifiers, witnessQuorum: 2 };

  it("accepts the proof of each entry under the log's keys and a 2-of-2 witness quorum", async () => {
    for (const index of [0, 1, 255, 256, 511, 999]) {
      const entry = Buffer.from(`receipt ${index}`);
      const verified = verifyProof(await proofFor(index), { entry }, policy);
      assert.equal(verified.index, index);
      assert.equal(verified.checkpoint.size, 1000);
      assert.deepEqual(verified.witnesses, ["witness0.example", "witness1.example"]);
      assert.deepEqual(verified.extra, Buffer.from("x"));
      verifyProof(
        await proofFor(index),
        { leafHash: leafHash(entry) },
        { origin: ORIGIN, logVerifiers: [logVerifier] },
      );
    }
  });

  it("opens the signed checkpoint itself under the same policy", async () => {
    const { checkpoint, witnesses: cosigned, note } = openCheckpoint(signed, policy);
    assert.equal(checkpoint.origin, ORIGIN);
    assert.equal(checkpoint.size, 1000);
    assert.deepEqual(checkpoint.root, await tree.root());
    assert.deepEqual(cosigned, ["witness0.example", "witness1.example"]);
    assert.equal(note.text, checkpointText);
    assert.throws(
      () => openCheckpoint(signed.replace("\n1000\n", "\n1001\n"), policy),
      isCode("invalid-signature"),
    );
  });

  it("names each failed step", async () => {
    const proof = await proofFor(42);
    const entry = Buffer.from("receipt 42");
    assert.throws(
      () => verifyProof(proof, { entry: Buffer.from("receipt 43") }, policy),
      isCode("root-mismatch"),
    );
    assert.throws(
      () => verifyProof(proof.replace("index 42", "index 43"), { entry }, policy),
      isCode("root-mismatch"),
    );
    assert.throws(
      () => verifyProof(proof.replace("index 42", "index 1000"), { entry }, policy),
      isCode("invalid-size"),
    );
    assert.throws(
      () => verifyProof(proof, { entry }, { ...policy, origin: "other.example/log" }),
      isCode("origin-mismatch"),
    );
    assert.throws(
      () => verifyProof(proof, { entry }, { ...policy, witnessQuorum: 3 }),
      isCode("witness-quorum"),
    );
    const other = newVerifier(generateNoteKey(ORIGIN).verifierKey);
    assert.throws(
      () => verifyProof(proof, { entry }, { ...policy, logVerifiers: [other] }),
      isCode("missing-log-signature"),
    );
    assert.throws(
      () => verifyProof(proof, { entry }, { origin: ORIGIN, logVerifiers: [other] }),
      isCode("unverified-note"),
    );
    const onlyWitnesses = await proofFor(42, signNote(checkpointText, witnesses));
    assert.throws(() => verifyProof(onlyWitnesses, { entry }, policy), isCode("missing-log-signature"));
    const oneWitness = await proofFor(42, signNote(checkpointText, [logSigner, witnesses[0]!]));
    assert.throws(() => verifyProof(oneWitness, { entry }, policy), isCode("witness-quorum"));
    verifyProof(oneWitness, { entry }, { ...policy, witnessQuorum: 1 });
  });

  it("rejects every flipped byte (except in the unauthenticated extra line)", async () => {
    const proof = Buffer.from(await proofFor(700));
    const extraLine = proof.indexOf("extra ");
    const extraEnd = proof.indexOf("\n", extraLine);
    const entry = Buffer.from("receipt 700");
    for (let i = 0; i < proof.length; i++) {
      if (i >= extraLine && i < extraEnd) continue;
      const copy = Buffer.from(proof);
      copy[i]! ^= 0x01;
      assert.throws(() => verifyProof(copy, { entry }, policy), VerificationError, `byte ${i}`);
    }
  });
});

describe("integrity: the library imports only node built-ins", () => {
  const LIBRARY = [
    "checkpoint",
    "cosignature",
    "encoding",
    "entry-bundle",
    "errors",
    "index",
    "memory-tree",
    "merkle",
    "merkle-proof",
    "note",
    "note-keys",
    "proof",
    "tile-reader",
    "tiles",
  ];
  it("each library file imports node:* or another library file", () => {
    let seen = 0;
    for (const name of LIBRARY) {
      const text = readFileSync(resolve(process.cwd(), `src/integrity/${name}.ts`), "utf8");
      for (const match of text.matchAll(
        /^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"/gm,
      )) {
        const spec = match[1] ?? match[2]!;
        seen++;
        const ok = spec.startsWith("node:") || LIBRARY.some((lib) => spec === `./${lib}.js`);
        assert.ok(ok, `src/integrity/${name}.ts imports ${spec}`);
      }
    }
    assert.ok(seen > 30, "the import scan found the imports");
  });
});
