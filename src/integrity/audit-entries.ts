/**
 * The entry-reading half of `overt log audit` (audit.ts): fetches the entry
 * bundles a range of the log lives in, checks every entry against the leaf
 * hashes of the level-0 tiles (read through an authenticated tile HashReader),
 * and tallies the entries in log order: receipts, admin actions by action, and
 * each routing-policy entry with what it changed.
 */
import { checkEntryBundle, decodeEntryBundle } from "./entry-bundle.js";
import { VerificationError } from "./errors.js";
import { type HashReader, readHashes, storedHashIndex } from "./merkle.js";
import {
  ADMIN_PREFIX,
  adminAction,
  POLICY_PREFIX,
  type PolicyRecord,
  policyRecord,
  RECEIPT_PREFIX,
} from "./policy-history.js";
import { newEntryBundles, TILE_WIDTH, tilePath } from "./tiles.js";
import { why } from "./verify-checks.js";

/** Bundles fetched at once. */
const PARALLEL = 8;

/** What the entries of the log up to some size amount to. */
export interface EntryTally {
  receipts: number;
  /** Admin actions by action name ("key.create", …). */
  admin: Record<string, number>;
  /** Entries that are neither receipts, policies nor admin actions. */
  other: number;
  policies: PolicyRecord[];
  /** The newest policy's JSON, to describe what the next one changes. */
  lastPolicy: Record<string, unknown> | null;
}

/** A tally to continue from (a copy of the saved one), or an empty one. */
export function newTally(previous?: Readonly<EntryTally>): EntryTally {
  return {
    receipts: previous?.receipts ?? 0,
    admin: { ...(previous?.admin ?? {}) },
    other: previous?.other ?? 0,
    policies: [...(previous?.policies ?? [])],
    lastPolicy: previous?.lastPolicy ?? null,
  };
}

function count(tally: EntryTally, index: number, entry: Buffer): void {
  const prefix = entry.subarray(0, 32).toString("latin1");
  if (prefix.startsWith(RECEIPT_PREFIX)) tally.receipts++;
  else if (prefix.startsWith(ADMIN_PREFIX)) {
    const action = adminAction(entry);
    tally.admin[action] = (tally.admin[action] ?? 0) + 1;
  } else if (prefix.startsWith(POLICY_PREFIX)) {
    const { record, document } = policyRecord(index, entry, tally.lastPolicy ?? undefined);
    tally.policies.push(record);
    tally.lastPolicy = document ?? tally.lastPolicy;
  } else tally.other++;
}

/**
 * Reads entries [from, size) of the log whose tiles `reader` authenticates,
 * fetching bundles with `get` (a path such as `tile/entries/000.p/7`), and adds
 * them to `tally`. Throws VerificationError when a bundle does not match its tile.
 */
export async function readEntries(
  get: (path: string) => Promise<Uint8Array>,
  reader: HashReader,
  from: number,
  size: number,
  tally: EntryTally,
): Promise<void> {
  const bundles = newEntryBundles(from, size);
  for (let b = 0; b < bundles.length; b += PARALLEL) {
    const batch = await Promise.all(
      bundles.slice(b, b + PARALLEL).map(async (bundle) => {
        const path = tilePath(bundle);
        const first = bundle.index * TILE_WIDTH;
        const entries = decodeEntryBundle(await get(path), bundle.width);
        const leaves = await readHashes(
          reader,
          entries.map((_, i) => storedHashIndex(0, first + i)),
        );
        try {
          checkEntryBundle(entries, Buffer.concat(leaves));
        } catch (error) {
          throw new VerificationError("root-mismatch", `${path}: ${why(error)}`);
        }
        return { first, entries };
      }),
    );
    // In log order, so each policy is compared with the one before it.
    for (const { first, entries } of batch) {
      entries.forEach((entry, i) => {
        if (first + i >= from) count(tally, first + i, entry);
      });
    }
  }
}
