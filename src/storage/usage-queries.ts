/** Usage ledger queries (DESIGN §5: money sums are exact bigints). */
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import { decodeUsage, encodeUsage, toBigInt, toInt } from "./codec.js";
import type { UsageGroupBy, UsageQuery, UsageRecord, UsageSummaryRow } from "./ports.js";
import type { Database, DbInt } from "./schema.js";

/**
 * Rows per INSERT statement. 24 columns × 500 rows = 12,000 bound parameters, well
 * under SQLite's 32,766 and PostgreSQL's 65,535.
 */
export const USAGE_INSERT_CHUNK = 500;

/** Group value used when a usage record has no provider (failed before routing). */
export const NO_PROVIDER_GROUP = "(none)";

/**
 * One multi-row INSERT; larger batches are split into chunks inside one transaction.
 * Re-inserting a request id is ignored, so a retried batch never double-counts.
 */
export async function insertUsage(db: Kysely<Database>, records: readonly UsageRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map(encodeUsage);
  const insertAll = async (conn: Kysely<Database>): Promise<void> => {
    for (let i = 0; i < rows.length; i += USAGE_INSERT_CHUNK) {
      await conn
        .insertInto("usage_records")
        .values(rows.slice(i, i + USAGE_INSERT_CHUNK))
        .onConflict((oc) => oc.column("request_id").doNothing())
        .execute();
    }
  };
  if (rows.length <= USAGE_INSERT_CHUNK) await insertAll(db);
  else await db.transaction().execute(insertAll);
}

/** `since` is inclusive, `until` exclusive. */
function matches(eb: ExpressionBuilder<Database, "usage_records">, query: UsageQuery) {
  const conditions = [eb("created_at", ">=", query.since)];
  if (query.until !== undefined) conditions.push(eb("created_at", "<", query.until));
  if (query.keyId !== undefined) conditions.push(eb("key_id", "=", query.keyId));
  if (query.tenantId !== undefined) conditions.push(eb("tenant_id", "=", query.tenantId));
  return eb.and(conditions);
}

/** Newest first (ties broken by request id, descending). */
export async function listUsage(
  db: Kysely<Database>,
  query: UsageQuery,
  limit: number,
): Promise<UsageRecord[]> {
  const rows = await db
    .selectFrom("usage_records")
    .selectAll()
    .where((eb) => matches(eb, query))
    .orderBy("created_at", "desc")
    .orderBy("request_id", "desc")
    .limit(limit)
    .execute();
  return rows.map(decodeUsage);
}

/** One row per (group, currency), ordered by group then currency. */
export async function summarizeUsage(
  db: Kysely<Database>,
  query: UsageQuery,
  groupBy: UsageGroupBy,
): Promise<UsageSummaryRow[]> {
  const groupExpr =
    groupBy === "key"
      ? sql<string>`${sql.ref("key_id")}`
      : groupBy === "model"
        ? sql<string>`${sql.ref("requested_model")}`
        : groupBy === "provider"
          ? sql<string>`coalesce(${sql.ref("provider")}, ${sql.lit(NO_PROVIDER_GROUP)})`
          : undefined;

  let q = db
    .selectFrom("usage_records")
    .where((eb) => matches(eb, query))
    .select((eb) => {
      const countStatus = (status: string) =>
        eb.fn.sum<DbInt>(eb.case().when("status", "=", status).then(1).else(0).end());
      return [
        "currency",
        eb.fn.countAll<DbInt>().as("requests"),
        countStatus("error").as("errors"),
        countStatus("partial").as("partial"),
        eb.fn.sum<DbInt>("input_tokens").as("input_tokens"),
        eb.fn.sum<DbInt>("cached_input_tokens").as("cached_input_tokens"),
        eb.fn.sum<DbInt>("output_tokens").as("output_tokens"),
        eb.fn.sum<DbInt>("reasoning_tokens").as("reasoning_tokens"),
        eb.fn.sum<DbInt>("cost_nano").as("cost_nano"),
        (groupExpr ?? sql.lit("all")).as("grp"),
      ];
    })
    .groupBy("currency");
  if (groupExpr !== undefined) q = q.groupBy(groupExpr);

  const rows = await q.execute();
  const summary = rows.map(
    (r): UsageSummaryRow => ({
      group: String(r.grp),
      requests: toInt(r.requests),
      errors: toInt(r.errors),
      partial: toInt(r.partial),
      inputTokens: toInt(r.input_tokens),
      cachedInputTokens: toInt(r.cached_input_tokens),
      outputTokens: toInt(r.output_tokens),
      reasoningTokens: toInt(r.reasoning_tokens),
      costNano: toBigInt(r.cost_nano),
      currency: r.currency,
    }),
  );
  return summary.sort((a, b) => compare(a.group, b.group) || compare(a.currency, b.currency));
}

/** Code-point order, identical on both backends (SQL ORDER BY would follow the collation). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
