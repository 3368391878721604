/** The many-node backend (DESIGN §6): a pg Pool behind the Kysely query layer. */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { KyselyStorage, type OwnedChangeSignal } from "./kysely-storage.js";
import type { Storage } from "./ports.js";
import type { Database } from "./schema.js";

/** The NOTIFY channel every Overt node listens on. */
export const CHANGE_CHANNEL = "overt_changes";

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * LISTEN on a dedicated connection and count notifications. While the listener is
 * down, notifications may be missed, so every (re)connect and every loss also bumps
 * the counter: readers drop their caches rather than trust stale entries.
 */
class ListenSignal implements OwnedChangeSignal {
  #version = 0;
  #client: pg.Client | undefined;
  #closed = false;
  #retryMs = RECONNECT_MIN_MS;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {}

  version(): number {
    return this.#version;
  }

  async announce(): Promise<void> {
    await this.pool.query(`NOTIFY ${CHANGE_CHANNEL}`);
  }

  /** First connection: failures propagate to the caller of openPostgresStorage. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("notification", (msg) => {
      if (msg.channel === CHANGE_CHANNEL) this.#version++;
    });
    client.on("error", () => this.#lost(client));
    client.on("end", () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners("end");
      client.on("error", () => {});
      await client.end().catch(() => {});
      throw err;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = RECONNECT_MIN_MS;
    this.#version++;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#version++;
    if (!this.#closed) this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#timer !== undefined) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.#connect().catch(() => this.#scheduleReconnect());
    }, delay);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.end().catch(() => {});
  }
}

/** Connects to PostgreSQL at `url` (pool + LISTEN client). Does not migrate; see ./open.ts. */
export async function openPostgresStorage(url: string): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url });
  // An idle client dropped by the server emits 'error' on the pool; the pool replaces
  // it on next use. Without a handler the process would crash.
  pool.on("error", () => {});
  const signal = new ListenSignal(url, pool);
  try {
    await signal.start();
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStorage(db, "postgres", signal);
}
