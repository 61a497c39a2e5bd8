import { subgraphError } from '../shared/errors.js';
import type { Queryable } from '../shared/sql.js';
import { ORDER_COLUMNS, type OrderRow } from './db-rows.js';
import { ORIGIN } from './origin.js';

/**
 * What every change to an existing order starts with (cancelOrder, approveOrder): the order's row
 * locked for the transaction, so a concurrent change waits and then sees the new version.
 */
export async function lockOrder(tx: Queryable, number: string): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.order_no = $1 FOR UPDATE`, [number]);
  return rows[0];
}

/** `extensions.reason` of the CONFLICT for a version the client read before someone else's change. */
export const STALE_VERSION = 'STALE_VERSION';

/** Optimistic concurrency: CONFLICT STALE_VERSION with the current version unless the client read it. */
export function checkVersion(row: OrderRow, expectedVersion: number): void {
  if (Number(row.version) === expectedVersion) return;
  throw subgraphError('CONFLICT', 'the order changed since it was read; read it again and retry', ORIGIN, {
    field: 'expectedVersion',
    reason: STALE_VERSION,
    currentVersion: Number(row.version),
  });
}
