/**
 * Billing's own legacy schema, as the billing team evolved it. Names are the legacy ones
 * (`inv_header`, `pmt`, `cust_acct`, one- and two-letter codes, cents); the billing subgraph maps
 * them to the clean GraphQL shape. Applied by `migrate()` in the subgraph, in version order.
 */

import type { Migration } from '../../common/contracts/sql.js';

/** Advisory lock key for `migrate()`, distinct per database owner (ERP 4002, billing 4003). */
export const BILLING_MIGRATION_LOCK_KEY = 4003;

const v1Tables = /* SQL */ `
CREATE SEQUENCE inv_header_inv_id_seq;
CREATE SEQUENCE pmt_pmt_id_seq;

-- One row per billing account; crm_ref carries the CRM's customer id (no FK: another system).
CREATE TABLE cust_acct (
  crm_ref            text PRIMARY KEY,
  currency_cd        char(3) NOT NULL,
  credit_limit_cents bigint NOT NULL CHECK (credit_limit_cents >= 0)
);

-- order_ref is the ERP order NUMBER and crm_ref the CRM id: references into other systems,
-- so neither has a foreign key and orphans are possible (and seeded on purpose).
CREATE TABLE inv_header (
  inv_id       bigint PRIMARY KEY DEFAULT nextval('inv_header_inv_id_seq'),
  inv_no       text NOT NULL UNIQUE,
  order_ref    text NOT NULL,
  crm_ref      text NOT NULL,
  status_cd    char(1) NOT NULL CHECK (status_cd IN ('O', 'P', 'D', 'V')),
  issued_on    date NOT NULL,
  due_on       date NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  currency_cd  char(3) NOT NULL
);
ALTER SEQUENCE inv_header_inv_id_seq OWNED BY inv_header.inv_id;

CREATE TABLE pmt (
  pmt_id       bigint PRIMARY KEY DEFAULT nextval('pmt_pmt_id_seq'),
  inv_id       bigint NOT NULL REFERENCES inv_header (inv_id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_at      timestamptz NOT NULL,
  method_cd    char(2) NOT NULL CHECK (method_cd IN ('CC', 'BT', 'DD', 'CK'))
);
ALTER SEQUENCE pmt_pmt_id_seq OWNED BY pmt.pmt_id;

-- The lookups the subgraph batches: invoice by order number, invoices by customer, payments by invoice.
CREATE INDEX inv_header_order_ref_idx ON inv_header (order_ref);
CREATE INDEX inv_header_crm_ref_idx ON inv_header (crm_ref, issued_on DESC, inv_id DESC);
CREATE INDEX pmt_inv_id_idx ON pmt (inv_id);
`;

// Payments recorded through the API carry the client's idempotency key and a fingerprint of
// the request, so a replay (even after a restart) finds the first payment and a different
// request under the same key is refused. Seeded (historic) payments have neither.
const v2Idempotency = /* SQL */ `
ALTER TABLE pmt ADD COLUMN idempotency_key text NULL;
ALTER TABLE pmt ADD COLUMN request_fingerprint text NULL;
CREATE UNIQUE INDEX pmt_idempotency_key_uq ON pmt (idempotency_key) WHERE idempotency_key IS NOT NULL;
`;

// The root invoice list pages newest first, optionally by status.
const v3InvoiceListing = /* SQL */ `
CREATE INDEX inv_header_issued_idx ON inv_header (issued_on DESC, inv_id DESC);
`;

// Invoices issued through the API (issueInvoice) carry the client's idempotency key and a
// fingerprint of the request, as payments do; seeded invoices have neither.
const v4InvoiceIdempotency = /* SQL */ `
ALTER TABLE inv_header ADD COLUMN idempotency_key text NULL;
ALTER TABLE inv_header ADD COLUMN request_fingerprint text NULL;
CREATE UNIQUE INDEX inv_header_idempotency_key_uq ON inv_header (idempotency_key) WHERE idempotency_key IS NOT NULL;
`;

// Exchange rates, owned by billing: how many units of a currency one euro buys on a date (the
// convention of the ECB's reference rates, so any currency can be the base: EUR itself is 1 and has
// no row). Seeded with synthetic monthly rates for USD and GBP over the data set's years, labelled
// as such; setExchangeRate adds or corrects one.
const v5ExchangeRates = /* SQL */ `
CREATE TABLE exchange_rate (
  currency_cd char(3) NOT NULL CHECK (currency_cd ~ '^[A-Z]{3}$' AND currency_cd <> 'EUR'),
  rate_date   date NOT NULL,
  per_eur     numeric(18, 8) NOT NULL CHECK (per_eur > 0),
  source      text NOT NULL,
  PRIMARY KEY (currency_cd, rate_date)
);
INSERT INTO exchange_rate (currency_cd, rate_date, per_eur, source)
SELECT c.currency_cd, m::date, round((c.base + c.swing * sin(extract(epoch FROM m) / 2629800 / 3))::numeric, 6), 'seed (synthetic monthly rate)'
FROM (VALUES ('USD', 1.09, 0.04), ('GBP', 0.855, 0.015)) AS c(currency_cd, base, swing),
     generate_series('2021-01-01'::timestamp, '2026-12-01'::timestamp, interval '1 month') AS m;
`;

// What the billing consumer of `order.approved` needs to know of an account (issue 17): whether
// it is still open (a closed account is billed nothing: the event is retried, then dead-lettered)
// and its payment terms in days. Every invoice billing ever issued fell due 30 days after issue,
// so existing accounts start open with 30-day terms.
const v6AccountStatusAndTerms = /* SQL */ `
ALTER TABLE cust_acct ADD COLUMN status_cd char(1) NOT NULL DEFAULT 'A' CHECK (status_cd IN ('A', 'C'));
ALTER TABLE cust_acct ADD COLUMN terms_days integer NOT NULL DEFAULT 30 CHECK (terms_days BETWEEN 0 AND 365);
`;

/**
 * Billing's own schema, versions 1 to 6. The subgraph applies these followed by the business
 * events tables (version 7, `subgraphs/billing/migrations.ts`): they are bizgraph's contract, not
 * billing's, and `systems/` may not import `subgraphs/`. The next version here is 8.
 */
export const BILLING_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'invoices, payments, accounts', sql: v1Tables },
  { version: 2, name: 'payment idempotency', sql: v2Idempotency },
  { version: 3, name: 'invoice listing index', sql: v3InvoiceListing },
  { version: 4, name: 'invoice idempotency', sql: v4InvoiceIdempotency },
  { version: 5, name: 'exchange rates', sql: v5ExchangeRates },
  { version: 6, name: 'account status and payment terms', sql: v6AccountStatusAndTerms },
];
