/**
 * An in-memory log: the flat stored-hash array of merkle.ts plus the entries.
 * For tests, tools and verifiers that rebuild a small tree; a server keeps the
 * same array in its database and passes a HashReader over it instead.
 */
import { type HashReader, leafHash, storedHashCount, storedHashesForRecord, treeHash } from "./merkle.js";

export class MemoryTree {
  private readonly hashes: Buffer[] = [];
  private readonly records: Buffer[] = [];

  /** Reads stored hashes; rejects indexes the tree does not have yet. */
  readonly reader: HashReader = async (indexes) =>
    indexes.map((index) => {
      const h = this.hashes[index];
      if (!h) throw new RangeError(`stored hash ${index} does not exist (tree size ${this.size})`);
      return h;
    });

  get size(): number {
    return this.records.length;
  }

  /** Appends one entry; returns its index. */
  async append(entry: Uint8Array): Promise<number> {
    const n = this.records.length;
    const added = await storedHashesForRecord(n, leafHash(entry), this.reader);
    this.hashes.push(...added);
    this.records.push(Buffer.from(entry));
    if (this.hashes.length !== storedHashCount(n + 1)) throw new Error("stored hash count drifted");
    return n;
  }

  entry(index: number): Buffer {
    const e = this.records[index];
    if (!e) throw new RangeError(`no entry ${index} (tree size ${this.size})`);
    return e;
  }

  /** Root of the tree of the first `size` entries (default: all). */
  root(size: number = this.size): Promise<Buffer> {
    return treeHash(size, this.reader);
  }
}
