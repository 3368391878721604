/**
 * PostgreSQL for tests. `OVERT_TEST_POSTGRES_URL` points at a server (start one with
 * `eval "$(bash .ci/postgres.sh)"`); every test run gets its own throwaway database
 * (or, when the role may not CREATE DATABASE, its own schema) so reruns start clean.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_URL_ENV = "OVERT_TEST_POSTGRES_URL";

export type PostgresTestTarget =
  | { kind: "url"; url: string }
  | { kind: "skip"; reason: string }
  | { kind: "fail"; reason: string };

/** Where the PostgreSQL suites run; in CI a missing URL is a failure, never a skip. */
export function postgresTestTarget(): PostgresTestTarget {
  const url = process.env[POSTGRES_URL_ENV];
  if (url !== undefined && url !== "") return { kind: "url", url };
  if (process.env["CI"] === "true") {
    return {
      kind: "fail",
      reason:
        `CI=true but ${POSTGRES_URL_ENV} is not set: the PostgreSQL backend must be tested in CI. ` +
        `Start a server with: eval "$(bash .ci/postgres.sh)"`,
    };
  }
  return { kind: "skip", reason: `${POSTGRES_URL_ENV} not set (eval "$(bash .ci/postgres.sh)" to enable)` };
}

export interface TestDatabase {
  /** Connection URL for the fresh database or schema. */
  url: string;
  /** Drops it (after every connection to it has been closed). */
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A uniquely named empty database (or schema) on the server behind `adminUrl`. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `overt_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const created = await withClient(adminUrl, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${name}`);
      return true;
    } catch (err) {
      // 42501 insufficient_privilege: fall back to a schema in the given database.
      if (err instanceof Error && "code" in err && err.code === "42501") return false;
      throw err;
    }
  });

  if (created) {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: () => dropDatabase(adminUrl, name),
    };
  }

  await withClient(adminUrl, (c) => c.query(`CREATE SCHEMA ${name}`));
  const url = new URL(adminUrl);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)).then(() => {}),
  };
}

/**
 * DROP DATABASE … WITH (FORCE) must terminate every session on it; an autovacuum
 * worker (started after heavy writes) belongs to the superuser, which a plain
 * role may not terminate (42501). It finishes quickly: retry for a while.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (err) {
      const code = err instanceof Error && "code" in err ? err.code : undefined;
      if (code !== "42501" || attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
