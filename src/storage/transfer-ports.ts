/**
 * Port of the cross-border transfer ledger (issue 4), re-exported by ports.ts.
 * Records say where a request went and which data classes it carried, never the
 * values; identifiers appear only as keyed fingerprints, to count individuals.
 */

export interface TransferClass {
  /** A guard data class, e.g. `pii.cn_resident_id`. */
  kind: string;
  /** What the guard did: allow (sent as is), redact, pseudonymize. */
  action: string;
  occurrences: number;
}

export interface TransferSubject {
  kind: string;
  fingerprint: string;
  /** Sensitive personal information under PIPL art. 28 (ID documents, financial accounts). */
  sensitive: boolean;
  action: string;
}

export interface TransferRecord {
  requestId: string;
  /** 1-based attempt number: a failover sends the request to another destination too. */
  attempt: number;
  createdAt: number;
  tenantId: string;
  keyId: string;
  provider: string;
  /** The destination's jurisdiction. */
  jurisdiction: string;
  /** The tenant's home jurisdiction when the request was made (null: none configured). */
  home: string | null;
  classes: TransferClass[];
  subjects: TransferSubject[];
}

export interface TransferQuery {
  /** Inclusive. */
  since: number;
  /** Exclusive. */
  until?: number;
  tenantId?: string;
}

export interface TransferDestinationRow {
  jurisdiction: string;
  provider: string;
  /** Request attempts sent there. */
  requests: number;
}

export interface TransferClassRow {
  jurisdiction: string;
  kind: string;
  action: string;
  /** Requests carrying the class. */
  requests: number;
  occurrences: number;
}

export interface TransferIndividualsRow {
  /** A jurisdiction, or "*" for all destinations together. */
  jurisdiction: string;
  /** Distinct identifiers sent as is (action allow). */
  individuals: number;
  /** Of those, identifiers that are sensitive personal information. */
  sensitiveIndividuals: number;
  /** Distinct identifiers found but redacted or pseudonymized (they did not leave). */
  protectedIndividuals: number;
}

export interface TransferSummary {
  destinations: TransferDestinationRow[];
  classes: TransferClassRow[];
  individuals: TransferIndividualsRow[];
}

export interface TransferStore {
  /** Re-inserting a (request, attempt) is ignored, so a retried batch never double-counts. */
  insertTransfers(records: readonly TransferRecord[]): Promise<void>;
  summarizeTransfers(query: TransferQuery): Promise<TransferSummary>;
}
