/** Cross-border transfer ledger queries (migration 003; ports in transfer-ports.ts). */
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import { toInt } from "./codec.js";
import type { Database } from "./schema.js";
import type { TransferQuery, TransferRecord, TransferSummary } from "./transfer-ports.js";

/** Rows per INSERT statement (≤ 10 columns each, far under every bound-parameter limit). */
const CHUNK = 500;

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

export async function insertTransfers(
  db: Kysely<Database>,
  records: readonly TransferRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const transfers = records.map((r) => ({
    request_id: r.requestId,
    attempt: r.attempt,
    created_at: r.createdAt,
    tenant_id: r.tenantId,
    key_id: r.keyId,
    provider: r.provider,
    jurisdiction: r.jurisdiction,
    home: r.home,
  }));
  const classes = records.flatMap((r) =>
    r.classes.map((c) => ({
      request_id: r.requestId,
      attempt: r.attempt,
      created_at: r.createdAt,
      tenant_id: r.tenantId,
      jurisdiction: r.jurisdiction,
      kind: c.kind,
      action: c.action,
      occurrences: c.occurrences,
    })),
  );
  const subjects = records.flatMap((r) =>
    r.subjects.map((s) => ({
      request_id: r.requestId,
      attempt: r.attempt,
      created_at: r.createdAt,
      tenant_id: r.tenantId,
      jurisdiction: r.jurisdiction,
      kind: s.kind,
      fingerprint: s.fingerprint,
      sensitive: s.sensitive ? 1 : 0,
      action: s.action,
    })),
  );
  await db.transaction().execute(async (tx) => {
    for (const rows of chunks(transfers))
      await tx
        .insertInto("transfers")
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    for (const rows of chunks(classes))
      await tx
        .insertInto("transfer_classes")
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    for (const rows of chunks(subjects))
      await tx
        .insertInto("transfer_subjects")
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
  });
}

type Ledger = "transfers" | "transfer_classes" | "transfer_subjects";

function within<T extends Ledger>(eb: ExpressionBuilder<Database, T>, query: TransferQuery) {
  const e = eb as unknown as ExpressionBuilder<Database, "transfers">;
  const conditions = [e("created_at", ">=", query.since)];
  if (query.until !== undefined) conditions.push(e("created_at", "<", query.until));
  if (query.tenantId !== undefined) conditions.push(e("tenant_id", "=", query.tenantId));
  return e.and(conditions);
}

export async function summarizeTransfers(
  db: Kysely<Database>,
  query: TransferQuery,
): Promise<TransferSummary> {
  const destinations = await db
    .selectFrom("transfers")
    .select(["jurisdiction", "provider", (eb) => eb.fn.countAll().as("requests")])
    .where((eb) => within(eb, query))
    .groupBy(["jurisdiction", "provider"])
    .orderBy("jurisdiction")
    .orderBy("provider")
    .execute();
  const classes = await db
    .selectFrom("transfer_classes")
    .select([
      "jurisdiction",
      "kind",
      "action",
      (eb) => eb.fn.countAll().as("requests"),
      (eb) => eb.fn.sum("occurrences").as("occurrences"),
    ])
    .where((eb) => within(eb, query))
    .groupBy(["jurisdiction", "kind", "action"])
    .orderBy("jurisdiction")
    .orderBy("kind")
    .orderBy("action")
    .execute();
  // One identifier is one individual (an upper bound: a person may appear by ID and by phone).
  const distinct = (sent: boolean, sensitive: boolean) =>
    sql<string>`count(distinct case when ${sql.ref("action")} ${sent ? sql`=` : sql`<>`} 'allow'${
      sensitive ? sql` and ${sql.ref("sensitive")} = 1` : sql``
    } then ${sql.ref("kind")} || ':' || ${sql.ref("fingerprint")} end)`;
  const perDestination = await db
    .selectFrom("transfer_subjects")
    .select([
      "jurisdiction",
      distinct(true, false).as("individuals"),
      distinct(true, true).as("sensitive_individuals"),
      distinct(false, false).as("protected_individuals"),
    ])
    .where((eb) => within(eb, query))
    .groupBy("jurisdiction")
    .orderBy("jurisdiction")
    .execute();
  const overall = await db
    .selectFrom("transfer_subjects")
    .select([
      distinct(true, false).as("individuals"),
      distinct(true, true).as("sensitive_individuals"),
      distinct(false, false).as("protected_individuals"),
    ])
    .where((eb) => within(eb, query))
    .executeTakeFirst();
  const individuals = perDestination.map((r) => ({
    jurisdiction: r.jurisdiction,
    individuals: toInt(r.individuals),
    sensitiveIndividuals: toInt(r.sensitive_individuals),
    protectedIndividuals: toInt(r.protected_individuals),
  }));
  if (overall && perDestination.length > 0) {
    individuals.push({
      jurisdiction: "*",
      individuals: toInt(overall.individuals),
      sensitiveIndividuals: toInt(overall.sensitive_individuals),
      protectedIndividuals: toInt(overall.protected_individuals),
    });
  }
  return {
    destinations: destinations.map((r) => ({
      jurisdiction: r.jurisdiction,
      provider: r.provider,
      requests: toInt(r.requests as string | number | bigint),
    })),
    classes: classes.map((r) => ({
      jurisdiction: r.jurisdiction,
      kind: r.kind,
      action: r.action,
      requests: toInt(r.requests as string | number | bigint),
      occurrences: toInt((r.occurrences ?? 0) as string | number | bigint),
    })),
    individuals,
  };
}
