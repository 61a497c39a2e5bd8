import fc from 'fast-check';

/**
 * The generator of `malformed-requests.property.test.ts`: what a careless client or an attacker
 * sends to a `/graphql` endpoint. Operations name the real schema's fields (so a hostile value
 * reaches resolvers, SQL and the systems' REST APIs, not only validation); values are NULs, lone
 * surrogates, SQL and path fragments, huge and empty strings, wrong types; envelopes are broken
 * JSON, invalid UTF-8, wrong content types, junk persisted-query extensions, batches, GETs.
 */

export interface MalformedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  search?: string;
}

const NASTY = [
  '',
  ' ',
  '\u0000',
  'cus_0001\u0000',
  'SO-100001\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  "' OR 1=1 --",
  "'; DROP TABLE orders; --",
  '%00',
  '%',
  '../../etc/passwd',
  '?a=1&b=2#frag',
  '\\',
  '"',
  '\n\r\t',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '🙂',
  'é',
  'cus_0001',
  'SO-100001',
  'INV-200001',
  'tkt_00001',
  'SKU-10001',
  'shp_0001',
  'anna@example.com',
  'EUR',
  '-1',
  '1e309',
  'x'.repeat(70_000),
  'é'.repeat(20_000),
  'cus_' + '9'.repeat(5000),
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('cus_', 'SO-', 'INV-', 'tkt_', 'SKU-'), fc.string({ unit: 'binary', maxLength: 12 })).map(([prefix, rest]) => prefix + rest) },
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1.5, 1e308, 10_001, 50, 51) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileScalar, { maxKeys: 3 }) },
);

const enumValue = fc.oneof(fc.constantFrom('APPROVED', 'DRAFT', 'OPEN', 'PAID', 'URGENT', 'NORMAL', 'CARD', 'ENTERPRISE', 'nope'), hostileValue);

/** Operations over the real schema, each with the variables it declares. */
const QUERIES: ReadonlyArray<{ text: string; variables: Record<string, fc.Arbitrary<unknown>> }> = [
  { text: 'query Q($v: ID!) { customer(id: $v) { id name email } }', variables: { v: hostileValue } },
  { text: 'query Q($v: String!) { customerByEmail(email: $v) { id } }', variables: { v: hostileValue } },
  {
    text: 'query Q($n: Int, $a: String, $c: String, $s: CustomerSegment) { customers(first: $n, after: $a, country: $c, segment: $s) { nodes { id } pageInfo { endCursor } } }',
    variables: { n: hostileValue, a: hostileValue, c: hostileValue, s: enumValue },
  },
  { text: 'query Q($v: String!) { order(number: $v) { number status total { amount currency } } }', variables: { v: hostileValue } },
  {
    text: 'query Q($n: Int, $a: String, $s: OrderStatus) { orders(first: $n, after: $a, status: $s) { nodes { number } pageInfo { endCursor } } }',
    variables: { n: hostileValue, a: hostileValue, s: enumValue },
  },
  { text: 'query Q($v: String!) { product(sku: $v) { sku name stock } }', variables: { v: hostileValue } },
  { text: 'query Q($n: Int, $a: String) { products(first: $n, after: $a) { nodes { sku } } }', variables: { n: hostileValue, a: hostileValue } },
  { text: 'query Q($v: String!) { invoice(number: $v) { number status } }', variables: { v: hostileValue } },
  {
    text: 'query Q($n: Int, $a: String, $s: InvoiceStatus) { invoices(first: $n, after: $a, status: $s) { nodes { number } } }',
    variables: { n: hostileValue, a: hostileValue, s: enumValue },
  },
  { text: 'query Q($v: ID!) { ticket(id: $v) { id subject } }', variables: { v: hostileValue } },
  {
    text: 'query Q($n: Int, $a: String, $s: TicketStatus, $p: TicketPriority) { tickets(first: $n, after: $a, status: $s, priority: $p) { nodes { id } } }',
    variables: { n: hostileValue, a: hostileValue, s: enumValue, p: enumValue },
  },
  { text: 'query Q($v: ID!) { shipment(id: $v) { id } }', variables: { v: hostileValue } },
  { text: 'query Q($n: Int, $a: String) { shipments(first: $n, after: $a) { nodes { id } } }', variables: { n: hostileValue, a: hostileValue } },
  {
    text: 'mutation M($i: CreateOrderInput!) { createOrder(input: $i) { number } }',
    variables: {
      i: fc.oneof(
        hostileValue,
        fc.record(
          {
            idempotencyKey: hostileValue,
            customerId: hostileValue,
            currency: hostileValue,
            lines: fc.oneof(hostileValue, fc.array(fc.record({ sku: hostileValue, quantity: hostileValue }, { requiredKeys: [] }), { maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
      ),
    },
  },
  {
    text: 'mutation M($i: OpenTicketInput!) { openTicket(input: $i) { id } }',
    variables: {
      i: fc.record(
        { idempotencyKey: hostileValue, requesterEmail: hostileValue, subject: hostileValue, description: hostileValue, priority: enumValue, orderNumber: hostileValue },
        { requiredKeys: [] },
      ),
    },
  },
  {
    text: 'mutation M($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }',
    variables: {
      i: fc.record({ idempotencyKey: hostileValue, invoiceNumber: hostileValue, amount: hostileValue, currency: hostileValue, method: enumValue }, { requiredKeys: [] }),
    },
  },
  {
    text: 'mutation M($id: ID!, $v: String!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, expectedVersion: $v, input: $i) { id } }',
    variables: {
      id: hostileValue,
      v: hostileValue,
      i: fc.record({ name: hostileValue, email: hostileValue, phone: hostileValue, segment: enumValue, country: hostileValue, accountManager: hostileValue }, { requiredKeys: [] }),
    },
  },
  {
    text: 'mutation M($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) { id } }',
    variables: { id: hostileValue, i: fc.record({ status: enumValue, priority: enumValue }, { requiredKeys: [] }) },
  },
];

/** The same fields with the hostile string written into the document as a literal. */
const LITERAL_FIELDS = [
  'customer(id: %s) { id }',
  'order(number: %s) { number }',
  'product(sku: %s) { sku }',
  'invoice(number: %s) { number }',
  'ticket(id: %s) { id }',
  'customerByEmail(email: %s) { id }',
  'shipment(id: %s) { id }',
];

const operation = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(...QUERIES).chain((template) =>
      fc.record({
        query: fc.constant(template.text),
        variables: fc.oneof({ weight: 5, arbitrary: fc.record(template.variables, { requiredKeys: [] }) }, { weight: 1, arbitrary: hostileValue }),
      }),
    ),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...LITERAL_FIELDS), hostileString).map(([field, value]) => ({ query: `{ ${field.replace('%s', JSON.stringify(value))} }` })) },
  {
    weight: 1,
    arbitrary: fc.record({
      query: fc.oneof(
        hostileString,
        fc.constantFrom(
          'subscription S { customers { nodes { id } } }',
          'query A { __typename } query B { __typename }',
          '{ __typename }',
          '{ _entities(representations: [{}]) { __typename } }',
          '{ _service { sdl } }',
        ),
      ),
    }),
  },
);

const envelope = fc
  .record(
    {
      operation,
      operationName: fc.option(fc.oneof(hostileString, fc.constantFrom('Q', 'M', 'A', 'Nope')), { nil: undefined }),
      extensions: fc.option(
        fc.oneof(hostileValue, fc.record({ persistedQuery: fc.record({ version: fc.oneof(fc.constant(1), hostileValue), sha256Hash: hostileValue }, { requiredKeys: [] }) })),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['operation'] },
  )
  .map(({ operation: body, operationName, extensions }) => ({
    ...body,
    ...(operationName === undefined ? {} : { operationName }),
    ...(extensions === undefined ? {} : { extensions }),
  }));

const JSON_TYPE = { 'content-type': 'application/json' };

/** One malformed (or merely hostile) request. */
export function malformedRequest(): fc.Arbitrary<MalformedRequest> {
  return fc.oneof(
    { weight: 12, arbitrary: envelope.map((body) => ({ method: 'POST' as const, headers: JSON_TYPE, body: JSON.stringify(body) })) },
    { weight: 1, arbitrary: fc.array(envelope, { minLength: 0, maxLength: 3 }).map((bodies) => ({ method: 'POST' as const, headers: JSON_TYPE, body: JSON.stringify(bodies) })) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.json()).map((body) => ({ method: 'POST' as const, headers: JSON_TYPE, body })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          envelope,
          fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => Buffer.from(bytes.map((byte) => byte | 0x80))),
        )
        .map(([body, junk]) => {
          const text = JSON.stringify(body);
          const at = text.indexOf('"', 2) + 1;
          return { method: 'POST' as const, headers: JSON_TYPE, body: Buffer.concat([Buffer.from(text.slice(0, at)), junk, Buffer.from(text.slice(at))]) };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          envelope,
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            'application/graphql',
          ),
        )
        .map(([body, type]) => ({ method: 'POST' as const, headers: { 'content-type': type, 'apollo-require-preflight': 'true' }, body: JSON.stringify(body) })),
    },
    {
      weight: 2,
      arbitrary: envelope.map((body) => ({
        method: 'GET' as const,
        headers: { 'apollo-require-preflight': 'true' },
        search: new URLSearchParams(Object.entries(body).map(([key, value]) => [key, typeof value === 'string' ? value : (JSON.stringify(value) ?? '')])).toString(),
      })),
    },
  );
}
