/**
 * The legacy ERP schema, as the ERP team ships it: terse column names, one-letter status codes,
 * amounts in integer cents, integer surrogate keys. Applied by the erp subgraph with `migrate()`
 * (a `schema_migrations` table; a second run applies nothing). Never edit a shipped version:
 * add a new one.
 */

import type { Migration } from '../../common/contracts/sql.js';

/** Advisory lock key that serialises migrations of replicas sharing one PostgreSQL server. */
export const ERP_MIGRATION_LOCK_KEY = 4002;

/** First order number the sequence hands out on an empty database (`SO-100001`). */
export const FIRST_ORDER_NO = 100001;

export const ERP_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'base schema',
    sql: /* SQL */ `
      CREATE TABLE products (
        product_id       integer PRIMARY KEY,
        sku              varchar(32) NOT NULL UNIQUE,
        descr            varchar(200) NOT NULL,
        list_price_cents integer NOT NULL CHECK (list_price_cents >= 0),
        list_currency_cd char(3) NOT NULL DEFAULT 'EUR',
        -- Never negative: stock reservations are conditional updates that fail instead.
        qty_on_hand      integer NOT NULL CHECK (qty_on_hand >= 0)
      );

      CREATE SEQUENCE orders_order_id_seq;
      -- Numeric part of order_no ('SO-' || nextval); seeding moves it past the seeded maximum.
      CREATE SEQUENCE order_no_seq START ${FIRST_ORDER_NO};

      CREATE TABLE orders (
        order_id    integer PRIMARY KEY DEFAULT nextval('orders_order_id_seq'),
        order_no    varchar(20) NOT NULL UNIQUE,
        cust_ref    varchar(40) NOT NULL,
        status_cd   char(1) NOT NULL CHECK (status_cd IN ('D', 'A', 'S', 'F', 'X')),
        placed_at   timestamptz NOT NULL,
        currency_cd char(3) NOT NULL,
        total_cents bigint NOT NULL
      );
      ALTER SEQUENCE orders_order_id_seq OWNED BY orders.order_id;

      CREATE TABLE order_lines (
        order_id         integer NOT NULL REFERENCES orders (order_id),
        line_no          smallint NOT NULL,
        product_id       integer NOT NULL REFERENCES products (product_id),
        qty              integer NOT NULL CHECK (qty > 0),
        unit_price_cents integer NOT NULL,
        -- The primary key's leading order_id serves the lines-by-order loader.
        PRIMARY KEY (order_id, line_no)
      );

      -- Customer.orders: one customer's orders newest first (window per cust_ref).
      CREATE INDEX orders_cust_ref_placed_idx ON orders (cust_ref, placed_at DESC, order_id DESC);
      -- Root orders listing, newest first.
      CREATE INDEX orders_placed_idx ON orders (placed_at DESC, order_id DESC);
    `,
  },
  {
    version: 2,
    name: 'idempotent order creation',
    sql: /* SQL */ `
      -- Added when the web shop started retrying: a replayed key returns the first order.
      ALTER TABLE orders
        ADD COLUMN idempotency_key varchar(200) NULL,
        ADD COLUMN request_fingerprint char(64) NULL;
      ALTER TABLE orders ADD CONSTRAINT orders_idempotency_key_key UNIQUE (idempotency_key);
    `,
  },
  {
    version: 3,
    name: 'order versions',
    sql: /* SQL */ `
      -- Optimistic concurrency for order changes (cancellation): a writer names the version it read.
      ALTER TABLE orders ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
    `,
  },
  {
    version: 4,
    name: 'order milestones',
    sql: /* SQL */ `
      -- When an order was approved, invoiced, shipped, delivered, paid or cancelled (issue 17):
      -- approval and cancellation are the ERP's own; invoicing (with the invoice's due date),
      -- shipping (the parcel booked), delivery and payment arrive as events from billing and
      -- logistics. Null when not (yet) known; orders older than this version never recorded them.
      ALTER TABLE orders
        ADD COLUMN approved_at    timestamptz NULL,
        ADD COLUMN invoiced_at    timestamptz NULL,
        ADD COLUMN payment_due_at timestamptz NULL,
        ADD COLUMN shipped_at     timestamptz NULL,
        ADD COLUMN delivered_at   timestamptz NULL,
        ADD COLUMN paid_at        timestamptz NULL,
        ADD COLUMN cancelled_at   timestamptz NULL;
      CREATE INDEX orders_open_processes ON orders (approved_at, order_id) WHERE status_cd IN ('A', 'S', 'F');
    `,
  },
];
