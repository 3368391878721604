/**
 * Auditing a relay's transparency log (issue 5; `overt log audit URL`), as an
 * outside party who trusts nothing the relay serves except through signatures
 * and hashes:
 *
 *   1. /.well-known/overt.json names the log's origin and verifier keys. The
 *      first audit trusts them (trust on first use) and keeps them in the
 *      state; later audits report any change and trust only the saved keys
 *      unless told to accept the new ones.
 *   2. /log/checkpoint must be signed by a trusted key, under the saved origin.
 *   3. The new checkpoint must extend the last one this auditor saw: a
 *      consistency proof is rebuilt from the log's tiles through a tile-backed
 *      HashReader (every tile authenticated against the new root) and checked
 *      against the saved root. A smaller tree, or the same size with another
 *      root, is a rewritten history.
 *   4. The entry bundles added since then must match the (authenticated)
 *      level-0 tiles; their entries give the routing-policy history and the
 *      count of receipts and admin actions.
 *
 * The caller supplies the HTTP access (LogSource) and keeps the state.
 */

import { type EntryTally, newTally, readEntries } from "./audit-entries.js";
import { type Checkpoint, openCheckpoint } from "./checkpoint.js";
import { checkTree, proveTree } from "./merkle-proof.js";
import { newVerifier } from "./note-keys.js";
import { tileHashReader } from "./tile-reader.js";
import { codeOf, why } from "./verify-checks.js";

/** What an auditor remembers about one log between runs. */
export interface AuditState extends EntryTally {
  readonly version: 1;
  readonly url: string;
  readonly origin: string;
  readonly verifierKeys: readonly string[];
  readonly firstSeen: string;
  readonly checkedAt: string;
  /** The last checkpoint verified (the signed note), its size and root (base64). */
  readonly checkpoint: string;
  readonly size: number;
  readonly root: string;
}

/** GETs a path relative to the relay's base URL; rejects when it cannot (status, network). */
export interface LogSource {
  get(path: string): Promise<Uint8Array>;
}

export interface AuditFinding {
  readonly check: string;
  readonly status: "ok" | "FAIL" | "warn";
  readonly message: string;
  readonly code?: string;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly findings: readonly AuditFinding[];
  readonly origin: string | null;
  readonly maxMergeDelaySeconds: number | null;
  readonly keys: { published: string[]; trusted: string[]; added: string[]; removed: string[] };
  /** The checkpoint served (signed note), verified or not, as evidence. */
  readonly served: string | null;
  readonly checkpoint: { size: number; root: string } | null;
  readonly previous: { size: number; root: string; checkedAt: string } | null;
  /** Entries read this run: [from, to). */
  readonly entries: { from: number; to: number } | null;
  /** The state to keep when ok (undefined when the audit failed). */
  readonly state?: AuditState;
}

interface WellKnown {
  origin: string;
  verifierKeys: string[];
  maxMergeDelaySeconds: number | null;
  checkpoint: string;
  tiles: string;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function parseWellKnown(bytes: Uint8Array): WellKnown {
  const json: unknown = JSON.parse(UTF8.decode(bytes));
  const log = (json as { log?: unknown } | null)?.log as Record<string, unknown> | undefined;
  if (typeof log !== "object" || log === null) throw new Error("no log object");
  const { origin, verifierKeys, maxMergeDelaySeconds, checkpoint, tiles } = log;
  if (typeof origin !== "string" || origin === "") throw new Error("log.origin is not a string");
  if (!Array.isArray(verifierKeys) || !verifierKeys.every((k) => typeof k === "string"))
    throw new Error("log.verifierKeys is not a list of strings");
  return {
    origin,
    verifierKeys: verifierKeys as string[],
    maxMergeDelaySeconds: typeof maxMergeDelaySeconds === "number" ? maxMergeDelaySeconds : null,
    checkpoint: typeof checkpoint === "string" ? checkpoint : "/log/checkpoint",
    tiles: typeof tiles === "string" ? tiles : "/log/",
  };
}

/**
 * Audits the log behind `source`. `load` returns what this auditor saved about
 * the log with the origin the relay now claims (undefined the first time; a
 * state with another origin reports an origin change).
 */
export async function auditLog(
  source: LogSource,
  load: (origin: string) => AuditState | undefined,
  options: { url: string; acceptKeys?: boolean; now?: () => Date },
): Promise<AuditReport> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const findings: AuditFinding[] = [];
  const add = (check: string, status: AuditFinding["status"], message: string, error?: unknown) => {
    const code = codeOf(error);
    findings.push(code === undefined ? { check, status, message } : { check, status, message, code });
  };
  let report: Omit<AuditReport, "ok" | "findings"> = {
    origin: null,
    maxMergeDelaySeconds: null,
    keys: { published: [], trusted: [], added: [], removed: [] },
    served: null,
    checkpoint: null,
    previous: null,
    entries: null,
  };
  const done = (state?: AuditState): AuditReport => {
    const ok = findings.every((f) => f.status !== "FAIL");
    return ok && state ? { ok, findings, ...report, state } : { ok, findings, ...report };
  };

  // 1. Origin and keys.
  let known: WellKnown;
  try {
    known = parseWellKnown(await source.get(".well-known/overt.json"));
  } catch (error) {
    add("well-known", "FAIL", `/.well-known/overt.json is unusable: ${why(error)}`);
    return done();
  }
  const previous = load(known.origin);
  report = {
    ...report,
    origin: known.origin,
    maxMergeDelaySeconds: known.maxMergeDelaySeconds,
    previous: previous ? { size: previous.size, root: previous.root, checkedAt: previous.checkedAt } : null,
  };
  const published = known.verifierKeys;
  const saved = previous?.verifierKeys ?? published;
  const added = published.filter((k) => !saved.includes(k));
  const removed = saved.filter((k) => !published.includes(k));
  const trusted = options.acceptKeys ? published : [...saved];
  report = { ...report, keys: { published: [...published], trusted, added, removed } };
  if (previous === undefined) {
    add(
      "keys",
      "warn",
      `first audit of this log: trusting origin ${known.origin} and its ${published.length === 1 ? "key" : `${published.length} keys`} as published (trust on first use)`,
    );
  } else if (previous.origin !== known.origin) {
    add("origin", "FAIL", `log origin changed: was ${previous.origin}, now ${known.origin}`);
    return done();
  } else if (added.length > 0 || removed.length > 0) {
    const change = [
      ...added.map((k) => `added ${k.split("+").slice(0, 2).join("+")}`),
      ...removed.map((k) => `removed ${k.split("+").slice(0, 2).join("+")}`),
    ].join(", ");
    if (options.acceptKeys)
      add("keys", "warn", `verifier keys changed (${change}); accepted (--accept-keys)`);
    else
      add(
        "keys",
        "FAIL",
        `verifier keys changed since ${previous.checkedAt} (${change}); only the saved keys are trusted — re-run with --accept-keys once you have confirmed the change`,
      );
  } else add("keys", "ok", `origin ${known.origin} and verifier keys unchanged`);
  let verifiers: ReturnType<typeof newVerifier>[];
  try {
    verifiers = trusted.map(newVerifier);
  } catch (error) {
    add("keys", "FAIL", `a verifier key is malformed: ${why(error)}`, error);
    return done();
  }

  // 2. The checkpoint.
  const tiles = known.tiles.replace(/^\/+/, "");
  let head: Checkpoint;
  try {
    const served = UTF8.decode(await source.get(known.checkpoint.replace(/^\/+/, "")));
    report = { ...report, served };
    head = openCheckpoint(served, {
      origin: previous?.origin ?? known.origin,
      logVerifiers: verifiers,
    }).checkpoint;
  } catch (error) {
    const code = codeOf(error);
    const message =
      code === "unverified-note" || code === "missing-log-signature"
        ? `checkpoint signature does not verify with any ${previous ? "saved" : "published"} key (${why(error)})`
        : code === "invalid-signature"
          ? `checkpoint signature does not verify (${why(error)})`
          : `checkpoint rejected: ${why(error)}`;
    add("checkpoint", "FAIL", message, error);
    return done();
  }
  const root = head.root.toString("base64");
  report = { ...report, checkpoint: { size: head.size, root } };
  add("checkpoint", "ok", `checkpoint signed by the log: size ${head.size}, root ${root}`);
  const reader = tileHashReader(head, (path) => source.get(`${tiles}${path}`));

  // 3. Consistency with the last checkpoint seen.
  if (previous !== undefined) {
    const since = `the checkpoint seen ${previous.checkedAt} (size ${previous.size})`;
    const oldRoot = Buffer.from(previous.root, "base64");
    if (head.size < previous.size) {
      add("consistency", "FAIL", `the log shrank: size ${head.size} is smaller than ${since}`);
      return done();
    }
    if (head.size === previous.size) {
      if (!head.root.equals(oldRoot)) {
        add("consistency", "FAIL", `the log forked: same size as ${since}, different root`);
        return done();
      }
      add("consistency", "ok", `unchanged since ${previous.checkedAt} (size ${head.size})`);
    } else if (previous.size === 0) {
      add("consistency", "ok", `size ${head.size} extends the empty log seen ${previous.checkedAt}`);
    } else {
      try {
        const proof = await proveTree(head.size, previous.size, reader);
        checkTree(proof, head.size, head.root, previous.size, oldRoot);
        add("consistency", "ok", `size ${head.size} extends ${since}`);
      } catch (error) {
        const code = codeOf(error);
        add(
          "consistency",
          "FAIL",
          code === "old-root-mismatch"
            ? `the log rewrote history: the tree at size ${head.size} does not extend ${since}`
            : code === "inconsistent-tile"
              ? `the log's tiles do not hash to the checkpoint root (${why(error)})`
              : `consistency with ${since} could not be shown: ${why(error)}`,
          error,
        );
        return done();
      }
    }
  }

  // 4. Entries added since, checked against the authenticated level-0 tiles.
  const from = previous?.size ?? 0;
  report = { ...report, entries: { from, to: head.size } };
  const tally = newTally(previous);
  try {
    await readEntries((path) => source.get(`${tiles}${path}`), reader, from, head.size, tally);
  } catch (error) {
    add(
      "entries",
      "FAIL",
      codeOf(error) === "inconsistent-tile"
        ? `the log's tiles do not hash to the checkpoint root (${why(error)})`
        : `entry bundles do not match the log: ${why(error)}`,
      error,
    );
    return done();
  }
  add(
    "entries",
    "ok",
    head.size > from
      ? `entries ${from}..${head.size - 1} match the log's tiles (${head.size - from} new)`
      : "no new entries",
  );

  return done({
    version: 1,
    url: options.url,
    origin: previous?.origin ?? known.origin,
    verifierKeys: trusted,
    firstSeen: previous?.firstSeen ?? now,
    checkedAt: now,
    checkpoint: report.served ?? "",
    size: head.size,
    root,
    ...tally,
  });
}
