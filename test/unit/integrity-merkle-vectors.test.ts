/**
 * RFC 6962 conformance: every inclusion and consistency probe of the shared
 * Merkle vectors (test/fixtures/merkle, copied from shared/vectors/merkle) must
 * be accepted exactly when wantErr is false. Also pins the fixture to its
 * source when shared/ is beside the checkout, so the copy cannot drift.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { VerificationError } from "../../src/integrity/errors.js";
import { checkRecord, checkTree } from "../../src/integrity/merkle-proof.js";

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const FIXTURE = resolve(process.cwd(), "test/fixtures/merkle/rfc6962-vectors.json");
const vectors = JSON.parse(readFileSync(FIXTURE, "utf8")) as {
  inclusion: Record<string, InclusionProbe>;
  consistency: Record<string, ConsistencyProbe>;
};

const b64 = (s: string) => Buffer.from(s, "base64");
const hashes = (p: string[] | null) => (p ?? []).map(b64);

/** Runs a check; returns the VerificationError code, or "ok". Any other exception fails the test. */
function outcome(check: () => void): string {
  try {
    check();
    return "ok";
  } catch (error) {
    assert.ok(error instanceof VerificationError, `unexpected ${String(error)}`);
    return error.code;
  }
}

describe("integrity: RFC 6962 inclusion probes", () => {
  const entries = Object.entries(vectors.inclusion);
  it("has every probe of the source (98)", () => assert.equal(entries.length, 98));

  for (const [name, p] of entries) {
    it(`${name}: ${p.wantErr ? "rejected" : "accepted"}`, () => {
      const result = outcome(() =>
        checkRecord(hashes(p.proof), p.treeSize, b64(p.root), p.leafIdx, b64(p.leafHash)),
      );
      if (p.wantErr) assert.notEqual(result, "ok", p.desc);
      else assert.equal(result, "ok", p.desc);
    });
  }

  it("names what failed for the corrupted happy path of inclusion/1", () => {
    const p = vectors.inclusion["1/happy-path"]!;
    const run = (over: Partial<InclusionProbe>) => {
      const q = { ...p, ...over };
      return outcome(() => checkRecord(hashes(q.proof), q.treeSize, b64(q.root), q.leafIdx, b64(q.leafHash)));
    };
    assert.equal(run({}), "ok");
    assert.equal(run({ proof: p.proof!.slice(1) }), "proof-length");
    assert.equal(run({ proof: [...p.proof!, p.root] }), "proof-length");
    assert.equal(run({ root: vectors.inclusion["1/random-root"]!.root }), "root-mismatch");
    assert.equal(run({ leafHash: "V3JvbmdMZWFm" }), "malformed-hash");
    assert.equal(run({ leafIdx: 8 }), "invalid-size");
    assert.equal(run({ treeSize: 0 }), "invalid-size");
  });
});

describe("integrity: RFC 6962 consistency probes", () => {
  const entries = Object.entries(vectors.consistency);
  it("has every probe of the source (98)", () => assert.equal(entries.length, 98));

  for (const [name, p] of entries) {
    it(`${name}: ${p.wantErr ? "rejected" : "accepted"}`, () => {
      const result = outcome(() => checkTree(hashes(p.proof), p.size2, b64(p.root2), p.size1, b64(p.root1)));
      if (p.wantErr) assert.notEqual(result, "ok", p.desc);
      else assert.equal(result, "ok", p.desc);
    });
  }

  it("names what failed for the corrupted happy path of consistency/3", () => {
    const p = vectors.consistency["3/happy-path"]!;
    const run = (over: Partial<ConsistencyProbe>) => {
      const q = { ...p, ...over };
      return outcome(() => checkTree(hashes(q.proof), q.size2, b64(q.root2), q.size1, b64(q.root1)));
    };
    assert.equal(run({}), "ok");
    assert.equal(run({ proof: [] }), "proof-length");
    // Size 2 is a complete left subtree of size 5: the proof carries no old hash, so a wrong
    // old root shows as a wrong new root.
    assert.equal(run({ root1: p.root2 }), "root-mismatch");
    assert.equal(run({ root2: p.root1 }), "root-mismatch");
    assert.equal(run({ size1: 0 }), "invalid-size");
    assert.equal(run({ size1: p.size2 + 1 }), "invalid-size");
    assert.equal(run({ proof: [p.proof![0]!, "AAAA"] }), "malformed-hash");
  });

  it("names a wrong old root when the proof carries the old tree's edge (consistency/2, 6 → 8)", () => {
    const p = vectors.consistency["2/happy-path"]!;
    const proof = hashes(p.proof);
    assert.equal(
      outcome(() => checkTree(proof, p.size2, b64(p.root2), p.size1, b64(p.root1))),
      "ok",
    );
    assert.equal(
      outcome(() => checkTree(proof, p.size2, b64(p.root2), p.size1, b64(p.root2))),
      "old-root-mismatch",
    );
  });
});

describe("integrity: the fixture is the shared vectors, unchanged", () => {
  const source = resolve(process.cwd(), "../shared/vectors/merkle");
  it("matches shared/vectors/merkle file for file", (t) => {
    if (!existsSync(source)) {
      t.skip("shared/ is not beside this checkout");
      return;
    }
    for (const kind of ["inclusion", "consistency"] as const) {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (name.endsWith(".json")) files.push(path);
        }
      };
      walk(join(source, kind));
      const fixture: Record<string, unknown> = vectors[kind];
      assert.equal(files.length, Object.keys(fixture).length, kind);
      for (const file of files) {
        const key = relative(join(source, kind), file).replace(/\.json$/, "");
        assert.deepEqual(fixture[key], JSON.parse(readFileSync(file, "utf8")), `${kind}/${key}`);
      }
    }
  });
});
