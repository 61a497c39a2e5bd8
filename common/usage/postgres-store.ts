import pg from 'pg';
import { sortRecords } from './merge.js';
import type { UsageRecord } from './types.js';

const TABLE = 'bizgraph_usage';

// Concurrent CREATE TABLE IF NOT EXISTS races in PostgreSQL's catalogs (duplicate type or key),
// so replicas take a transaction-scoped advisory lock first: the second one then sees the table.
const CREATE_TABLE = `
  DO $$ BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('${TABLE}'));
  CREATE TABLE IF NOT EXISTS ${TABLE} (
    operation_hash text NOT NULL,
    client_name text NOT NULL,
    operation_name text,
    fields text[] NOT NULL,
    count bigint NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (operation_hash, client_name)
  );
  END $$`;

// One statement for the whole flush; the upsert adds counts atomically, so replicas never lose
// each other's increments. The records of one flush are unique per key (ON CONFLICT needs that).
const UPSERT = `
  INSERT INTO ${TABLE} AS u (operation_hash, client_name, operation_name, fields, count, first_seen, last_seen)
  SELECT r.operation_hash, r.client_name, r.operation_name, ARRAY(SELECT jsonb_array_elements_text(r.fields)), r.count, r.first_seen, r.last_seen
  FROM jsonb_to_recordset($1::jsonb) AS r(operation_hash text, client_name text, operation_name text, fields jsonb, count bigint, first_seen timestamptz, last_seen timestamptz)
  ON CONFLICT (operation_hash, client_name) DO UPDATE SET
    count = u.count + EXCLUDED.count,
    first_seen = LEAST(u.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(u.last_seen, EXCLUDED.last_seen),
    operation_name = CASE WHEN EXCLUDED.last_seen >= u.last_seen THEN EXCLUDED.operation_name ELSE u.operation_name END,
    fields = ARRAY(SELECT DISTINCT f FROM unnest(u.fields || EXCLUDED.fields) AS t(f))`;

const SELECT_ALL = `SELECT operation_hash, client_name, operation_name, fields, count::text AS count, first_seen, last_seen FROM ${TABLE}`;

interface UsageRow {
  operation_hash: string;
  client_name: string;
  operation_name: string | null;
  fields: string[];
  count: string;
  first_seen: Date;
  last_seen: Date;
}

export interface PostgresUsageStore {
  /** Adds the records' counts to the table (created on first use). */
  write(records: readonly UsageRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** The gateway's side: a small pool, the table created on the first flush (retried if that fails). */
export function openPostgresUsageStore(url: string, onPoolError: (error: Error) => void): PostgresUsageStore {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, query_timeout: 30_000 });
  // An idle connection dropped by the server must not crash the gateway; the next flush reconnects.
  // After close(): pool.end() resolves before each connection's own end is through, and a server
  // that terminates those (a database dropped, a restart) is no error of a store already closed.
  let closed = false;
  pool.on('error', (error) => {
    if (!closed) onPoolError(error);
  });
  let created: Promise<void> | undefined;
  return {
    async write(records) {
      if (records.length === 0) return;
      created ??= createTable(pool).catch((error: unknown) => {
        created = undefined;
        throw error;
      });
      await created;
      await pool.query(UPSERT, [JSON.stringify(records.map(toRow))]);
    },
    close() {
      closed = true;
      return pool.end();
    },
  };
}

/** Every record in the table; a missing table has none. */
export async function readPostgresUsage(url: string): Promise<UsageRecord[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<UsageRow>(SELECT_ALL);
    return sortRecords(rows.map(fromRow));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createTable(pool: pg.Pool): Promise<void> {
  await pool.query(CREATE_TABLE);
}

function toRow(record: UsageRecord) {
  return {
    operation_hash: record.operationHash,
    client_name: record.clientName,
    operation_name: record.operationName,
    fields: record.fields,
    count: record.count,
    first_seen: record.firstSeen,
    last_seen: record.lastSeen,
  };
}

function fromRow(row: UsageRow): UsageRecord {
  return {
    operationHash: row.operation_hash,
    operationName: row.operation_name,
    clientName: row.client_name,
    fields: [...row.fields].sort(),
    count: Number(row.count),
    firstSeen: row.first_seen.toISOString(),
    lastSeen: row.last_seen.toISOString(),
  };
}
