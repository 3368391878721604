/**
 * C2SP signed notes: the spec's examples verified byte for byte, Go's
 * golang.org/x/mod/sumdb/note test vectors (the PeterNeumann key signs to
 * exactly Go's bytes, since Ed25519 is deterministic), every parsing rule of
 * Open, key string manglings, and tampering (any flipped byte fails).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cosignatureTimestamp,
  cosignerFromSeed,
  newCosignatureVerifier,
} from "../../src/integrity/cosignature.js";
import { VerificationError } from "../../src/integrity/errors.js";
import { openNote, signNote, UnverifiedNoteError } from "../../src/integrity/note.js";
import {
  ed25519PrivateKey,
  ed25519PublicKeyBytes,
  generateNoteKey,
  isValidKeyName,
  newSigner,
  newVerifier,
  signerFromSeed,
  verifierKeyFor,
} from "../../src/integrity/note-keys.js";

const isCode = (code: string) => (e: unknown) => e instanceof VerificationError && e.code === code;

// golang.org/x/mod/sumdb/note (note.go package doc and note_test.go).
const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG =
  "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

describe("integrity: signed-note spec examples", () => {
  it("verifies the example.com/foo note with its vkey", () => {
    const verifier = newVerifier("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    const note =
      "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    const opened = openNote(note, [verifier]);
    assert.equal(opened.text, "This is an example message.\n");
    assert.deepEqual(
      opened.signatures.map((s) => [s.name, s.keyId]),
      [["example.com/foo", 0x530d903a]],
    );
    assert.throws(
      () => openNote(note.replace("example message", "example massage"), [verifier]),
      isCode("invalid-signature"),
    );
  });

  it("parses the quasimodo note (blank lines in the text, non-ASCII) but trusts no unknown key", () => {
    const note =
      "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n" +
      "— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
    assert.throws(
      () => openNote(note, [newVerifier(PETER_VKEY)]),
      (e) =>
        e instanceof UnverifiedNoteError &&
        e.note.text.endsWith("trafitto da un raggio di sole:\n\ned è subito sera.\n") &&
        e.note.unverified[0]?.name === "quasimodo.example/salvatore",
    );
  });
});

describe("integrity: Go sumdb/note vectors", () => {
  it("signs exactly Go's bytes with the PeterNeumann key", () => {
    const signer = newSigner(PETER_SKEY);
    assert.equal(signer.keyId, 0xc74f20a3);
    assert.equal(signNote(TEXT, [signer]), `${TEXT}\n${PETER_SIG}`);
    // An existing signature by the same key is replaced, others are kept first.
    const stale = { name: "PeterNeumann", keyId: 0xc74f20a3, base64: "x08go/Zz" };
    assert.equal(signNote(TEXT, [signer], [stale]), `${TEXT}\n${PETER_SIG}`);
    const enoch = { name: "EnochRoot", keyId: 0xaf0cfe78, base64: ENOCH_SIG.slice(12, -1) };
    assert.equal(signNote(TEXT, [signer], [enoch]), `${TEXT}\n${ENOCH_SIG}${PETER_SIG}`);
    assert.throws(() => signNote("abc", [signer]), isCode("malformed-note"));
    assert.throws(() => signNote(TEXT, [], [{ ...enoch, keyId: 1 }]), isCode("malformed-note"));
    assert.throws(() => signNote(TEXT, [{ ...signer, name: "bad name" }]), RangeError);
  });

  it("opens with one, both or no known keys", () => {
    const peter = newVerifier(PETER_VKEY);
    const enoch = newVerifier(ENOCH_VKEY);
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    let opened = openNote(note, [peter]);
    assert.equal(opened.text, TEXT);
    assert.deepEqual(
      opened.signatures.map((s) => s.name),
      ["PeterNeumann"],
    );
    assert.deepEqual(
      opened.unverified.map((s) => [s.name, s.keyId]),
      [["EnochRoot", 0xaf0cfe78]],
    );
    opened = openNote(Buffer.from(note), [peter, enoch]);
    assert.deepEqual(
      opened.signatures.map((s) => s.name),
      ["PeterNeumann", "EnochRoot"],
    );
    assert.throws(
      () => openNote(note, []),
      (e) => e instanceof UnverifiedNoteError && e.note.unverified.length === 2,
    );
  });

  it("rejects ambiguous verifiers only when used, and more than 100 signatures", () => {
    const peter = newVerifier(PETER_VKEY);
    const enoch = newVerifier(ENOCH_VKEY);
    assert.throws(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]), isCode("ambiguous-key"));
    openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]);
    openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]);
    assert.throws(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter]), isCode("malformed-note"));
    assert.throws(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, []), isCode("malformed-note"));
  });

  it("rejects a bad signature by a known key; drops duplicates", () => {
    const peter = newVerifier(PETER_VKEY);
    const corrupt = (sig: string) => `${sig.slice(0, 60)}ABCD${sig.slice(60)}`;
    assert.throws(() => openNote(`${TEXT}\n${corrupt(PETER_SIG)}`, [peter]), isCode("invalid-signature"));
    const opened = openNote(
      `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${corrupt(ENOCH_SIG)}`,
      [peter],
    );
    assert.equal(opened.signatures.length, 1);
    assert.deepEqual(
      opened.unverified.map((s) => s.base64),
      [ENOCH_SIG.slice(12, -1), corrupt(ENOCH_SIG).slice(12, -1)],
    );
  });

  it("rejects malformed notes", () => {
    const peter = newVerifier(PETER_VKEY);
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\t\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n- PeterNeumann ${PETER_SIG.slice(15)}`,
      `${TEXT}\n— PeterNeumann\n`,
      `${TEXT}\n— PeterNeumann \n`,
      `${TEXT}\n— PeterNeumann AAAAAA==\n`, // fewer than 5 bytes
      `${TEXT}\n— PeterNeumann x08go_ZJkuBS9UG\n`, // URL-safe alphabet
      `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
      `${TEXT.slice(0, 5)}\ud800${TEXT.slice(5)}\n${PETER_SIG}`,
    ];
    for (const note of bad)
      assert.throws(() => openNote(note, [peter]), isCode("malformed-note"), JSON.stringify(note));
    const invalidUtf8 = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    assert.throws(() => openNote(invalidUtf8, [peter]), isCode("malformed-note"));
    const surrogate = Buffer.concat([
      Buffer.from(TEXT),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(`\n\n${PETER_SIG}`),
    ]);
    assert.throws(() => openNote(surrogate, [peter]), isCode("malformed-note"));
  });

  it("fails on every flipped byte of a signed note", () => {
    const peter = newVerifier(PETER_VKEY);
    const note = Buffer.from(`${TEXT}\n${PETER_SIG}`);
    for (let i = 0; i < note.length; i++) {
      for (const bit of [0x01, 0x40]) {
        const copy = Buffer.from(note);
        copy[i]! ^= bit;
        assert.throws(
          () => openNote(copy, [peter]),
          (e) =>
            e instanceof VerificationError && /malformed-note|invalid-signature|unverified-note/.test(e.code),
          `byte ${i} bit ${bit}`,
        );
      }
    }
  });
});

describe("integrity: note keys", () => {
  it("rejects every substring and every incremented byte of Go's keys", () => {
    for (const [key, parse] of [
      [PETER_VKEY, newVerifier],
      [PETER_SKEY, newSigner],
    ] as const) {
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i === 0 && j === key.length) continue;
          assert.throws(() => parse(key.slice(i, j)), isCode("malformed-key"), key.slice(i, j));
        }
      }
      for (let i = 0; i < key.length; i++) {
        const mangled = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        assert.throws(() => parse(mangled), isCode("malformed-key"), mangled);
      }
    }
    // Wrong key length and unknown algorithm, each with a matching key ID (Go's vectors).
    assert.throws(
      () => newVerifier("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="),
      isCode("malformed-key"),
    );
    assert.throws(
      () => newVerifier("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      isCode("malformed-key"),
    );
  });

  it("generates keys in Go's format that sign and verify", () => {
    const { signerKey, verifierKey } = generateNoteKey("overt.example/log");
    assert.match(signerKey, /^PRIVATE\+KEY\+overt\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    assert.match(verifierKey, /^overt\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const signer = newSigner(signerKey);
    const verifier = newVerifier(verifierKey);
    assert.equal(signer.keyId, verifier.keyId);
    const opened = openNote(signNote("hello\n", [signer]), [verifier]);
    assert.equal(opened.text, "hello\n");
    assert.equal(
      verifierKeyFor("PeterNeumann", Buffer.from(PETER_VKEY.slice(22), "base64").subarray(1)),
      PETER_VKEY,
    );
  });

  it("validates key names as Go does", () => {
    for (const name of ["a", "example.com/log", "中文/日志", "a\ufeffb", "x\u007f"])
      assert.ok(isValidKeyName(name), name);
    for (const name of [
      "",
      "a b",
      "a+b",
      "a\tb",
      "a\u00a0b",
      "a\u0085b",
      "a\u2003b",
      "a\u3000b",
      "a\u2028b",
      "\ud800",
    ]) {
      assert.ok(!isValidKeyName(name), JSON.stringify(name));
    }
    assert.throws(() => signerFromSeed("a b", Buffer.alloc(32)), RangeError);
  });
});

describe("integrity: Ed25519 cosignatures (tlog-cosignature, type 0x04)", () => {
  it("signs the cosignature/v1 message with a timestamp and verifies through openNote", () => {
    const seed = Buffer.alloc(32, 9);
    const witness = cosignerFromSeed("witness.example/w1", seed, () => 1_679_315_147);
    const publicKey = ed25519PublicKeyBytes(ed25519PrivateKey(seed));
    const vkey = verifierKeyFor("witness.example/w1", publicKey, 0x04);
    const verifier = newCosignatureVerifier(vkey);
    assert.equal(verifier.keyId, witness.keyId);
    const checkpoint =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    const note = signNote(checkpoint, [witness]);
    const opened = openNote(note, [verifier]);
    const raw = Buffer.from(opened.signatures[0]!.base64, "base64").subarray(4);
    assert.equal(raw.length, 72);
    assert.equal(cosignatureTimestamp(raw), 1_679_315_147n);
    // The timestamp is signed: changing it breaks the signature.
    raw.writeBigUInt64BE(1_679_315_148n);
    const id = Buffer.from(opened.signatures[0]!.base64, "base64").subarray(0, 4);
    const forged = `${checkpoint}\n— witness.example/w1 ${Buffer.concat([id, raw]).toString("base64")}\n`;
    assert.throws(() => openNote(forged, [verifier]), isCode("invalid-signature"));
    // A type-0x01 key for the same name is a different key ID: the cosignature is ignored, not checked.
    assert.throws(
      () => openNote(note, [newVerifier(verifierKeyFor("witness.example/w1", publicKey))]),
      UnverifiedNoteError,
    );
    assert.throws(() => newCosignatureVerifier(verifierKeyFor("w", publicKey)), isCode("malformed-key"));
  });
});
