import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getIntrospectionQuery, getOperationAST, parse, print, validate, type GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/config.js';
import { ROOT } from '../scripts/lib/processes.js';
import { readGatewayConfig, type OperationLimits } from '../gateway/src/config.js';
import { createOperationLimits, hasVariablePageArgument, inlinePageVariables } from '../gateway/src/features/limits/index.js';
import { CUSTOMER_OVERVIEW } from './helpers/expected.js';
import { buildSupergraphSchema, readListSizes } from '../gateway/src/features/limits/list-sizes.js';

/**
 * The default limits against bizgraph's own operations (the README's four-system query, the
 * benchmark's big pages) and a pathological one, as pure validation over the committed supergraph.
 */
const SCHEMA = buildSupergraphSchema(readFileSync(resolve(ROOT, 'schema/supergraph.graphql'), 'utf8'));
const DEFAULTS = readGatewayConfig({}, []).limits;

const ORDERS_500 = /* GraphQL */ `
  {
    orders(first: 500) {
      nodes {
        number
        customer {
          id
          name
        }
        invoice {
          number
        }
      }
    }
  }
`;
const DASHBOARD_20 = /* GraphQL */ `
  {
    customers(first: 20) {
      nodes {
        id
        name
        email
        orders(first: 5) {
          nodes {
            number
            status
            total {
              amount
            }
            invoice {
              number
              status
            }
            paymentStatus
          }
        }
        tickets(first: 5) {
          nodes {
            subject
            status
          }
        }
        balance {
          amount
          currency
        }
      }
    }
  }
`;
/** 100 customers × 100 orders: ten thousand orders in one request. */
const PATHOLOGICAL = /* GraphQL */ `
  {
    customers(first: 100) {
      nodes {
        orders(first: 100) {
          nodes {
            number
          }
        }
      }
    }
  }
`;

function errorsOf(query: string, limits: OperationLimits = DEFAULTS): readonly GraphQLError[] {
  return validate(SCHEMA, parse(query, createOperationLimits(limits).parseOptions), createOperationLimits(limits).validationRules);
}

/** What one limit measures for a query: its error's `found` when the limit is set to 0 or 1. */
function measure(query: string, limit: 'depth' | 'cost'): unknown {
  const limits = { ...DEFAULTS, ...(limit === 'depth' ? { maxDepth: 1 } : { maxCost: 1 }) };
  return errorsOf(query, limits).find((error) => error.extensions.limit === limit)?.extensions.found;
}

describe('default operation limits', () => {
  it('are depth 12, aliases 15, tokens 2000, directives 50, cost 5000, batch 10', () => {
    expect(DEFAULTS).toEqual({ maxDepth: 12, maxAliases: 15, maxTokens: 2000, maxDirectives: 50, maxCost: 5000, maxBatch: 10, maxQueryBytes: 65_536, maxStringBytes: 65_536 });
  });

  it.each([
    ['LIMIT_MAX_DEPTH', '0'],
    ['LIMIT_MAX_ALIASES', '-1'],
    ['LIMIT_MAX_TOKENS', 'lots'],
    ['LIMIT_MAX_DIRECTIVES', '1.5'],
    ['LIMIT_MAX_COST', '0'],
    ['LIMIT_MAX_BATCH', '1001'],
    ['LIMIT_MAX_QUERY_BYTES', '10'],
    ['LIMIT_MAX_STRING_BYTES', '2MB'],
  ])('refuse %s=%s, naming the variable', (variable, value) => {
    expect(() => readGatewayConfig({ [variable]: value }, [])).toThrow(ConfigError);
    expect(() => readGatewayConfig({ [variable]: value }, [])).toThrow(new RegExp(`^${variable}: expected an integer between`));
  });

  it('read every LIMIT_* setting', () => {
    const env = {
      LIMIT_MAX_DEPTH: '8',
      LIMIT_MAX_ALIASES: '0',
      LIMIT_MAX_TOKENS: '500',
      LIMIT_MAX_DIRECTIVES: '5',
      LIMIT_MAX_COST: '100000',
      LIMIT_MAX_BATCH: '1',
      LIMIT_MAX_QUERY_BYTES: '4096',
      LIMIT_MAX_STRING_BYTES: '100',
    };
    expect(readGatewayConfig(env, []).limits).toEqual({
      maxDepth: 8,
      maxAliases: 0,
      maxTokens: 500,
      maxDirectives: 5,
      maxCost: 100_000,
      maxBatch: 1,
      maxQueryBytes: 4096,
      maxStringBytes: 100,
    });
  });

  it("let the README's four-system query, the benchmark pages and the dashboard through", () => {
    for (const query of [CUSTOMER_OVERVIEW, ORDERS_500, DASHBOARD_20, '{ customers(first: 1000) { nodes { id } } }']) {
      expect(errorsOf(query)).toEqual([]);
    }
    expect([CUSTOMER_OVERVIEW, ORDERS_500, DASHBOARD_20].map((query) => measure(query, 'cost'))).toEqual([20, 2000, 660]);
    expect([CUSTOMER_OVERVIEW, ORDERS_500, DASHBOARD_20].map((query) => measure(query, 'depth'))).toEqual([5, 4, 6]);
  });

  it('let the standard introspection query through (its __schema is left out of depth and cost)', () => {
    expect(errorsOf(getIntrospectionQuery())).toEqual([]);
  });

  it('refuse ten thousand orders in one request', () => {
    expect(errorsOf(PATHOLOGICAL).map((error) => ({ message: error.message, extensions: error.extensions }))).toEqual([
      {
        message: 'Operation cost 20200 exceeds the limit of 5000; customers(first: 24) would fit',
        extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 5000, found: 20200, field: 'customers', largestFirst: 24, http: { status: 400 } },
      },
    ]);
  });
});

describe('cost of a paged field whose first is omitted', () => {
  it("counts the schema's default page size, as the subgraph serves it, not a page of 1", () => {
    const omitted = '{ customers { nodes { id orders { nodes { number } } } } }';
    const written = '{ customers(first: 20) { nodes { id orders(first: 20) { nodes { number } } } } }';
    expect(
      SCHEMA.getQueryType()!
        .getFields()
        .customers!.args.find((argument) => argument.name === 'first')!.defaultValue,
    ).toBe(20);
    expect(measure(omitted, 'cost')).toBe(measure(written, 'cost'));
    expect(measure(omitted, 'cost')).toBe(840);
    expect(measure('{ customers(first: null) { nodes { id } } }', 'cost')).toBe(measure('{ customers(first: 20) { nodes { id } } }', 'cost'));
  });

  it('refuses what omitting first slipped past the limit, and names the page to write', () => {
    // 1000 customers × 20 orders each: 42000 objects, counted as 4000 while an omitted first was a page of 1.
    const query = '{ customers(first: 1000) { nodes { id orders { nodes { number } } } } }';
    expect(errorsOf(query).map(({ message, extensions }) => ({ message, found: extensions.found, field: extensions.field }))).toEqual([
      { message: 'Operation cost 42000 exceeds the limit of 5000; customers(first: 119) would fit', found: 42000, field: 'customers' },
    ]);
    expect(errorsOf(query.replace('orders {', 'orders(first: 1) {'))).toEqual([]);
  });
});

describe("cost of an unpaged list, at its owner's @listSize(assumedSize:)", () => {
  it('multiplies the list by the assumed size the supergraph carries (Order.lines: 5, a typical order)', () => {
    expect(readListSizes(parse(readFileSync(resolve(ROOT, 'schema/supergraph.graphql'), 'utf8'))).get('Order.lines')).toBe(5);
    // orders 1 + nodes 1 + lines 5 × 1, ten times.
    expect(measure('{ orders(first: 10) { nodes { number lines { lineNumber } } } }', 'cost')).toBe(70);
    expect(measure('{ orders(first: 10) { nodes { number } } }', 'cost')).toBe(20);
  });

  it('names a page the client can write in a refusal, never the unpaged list', () => {
    expect(errorsOf('{ orders(first: 1000) { nodes { lines { lineNumber product { sku } } } } }').map(({ message, extensions: { field } }) => ({ message, field }))).toEqual([
      { message: 'Operation cost 12000 exceeds the limit of 5000; orders(first: 416) would fit', field: 'orders' },
    ]);
  });
});

describe('the page size a refused operation may have', () => {
  /** The cost with one list resized, measured by the limit itself (set to 1, so it always reports `found`). */
  const withPage = (query: string, from: string, to: string) => measure(query.replace(from, to), 'cost') as number;
  const refusal = (query: string) => errorsOf(query).map(({ message, extensions: { field, largestFirst } }) => ({ message, field, largestFirst }));

  it('names the heaviest list in the message and in extensions', () => {
    const query = '{ customers(first: 3) { nodes { id } } reports: orders(first: 1000) { nodes { number customer { id name } invoice { number } shipments { id } } } }';
    expect(refusal(query)).toEqual([{ message: 'Operation cost 6006 exceeds the limit of 5000; reports(first: 832) would fit', field: 'reports', largestFirst: 832 }]);
  });

  it('bisects to the exact boundary of the rule that refused the operation', () => {
    const query = '{ orders(first: 1000) { nodes { number customer { id name } invoice { number } shipments { id } items: lines { sku } } } }';
    const [hint] = refusal(query);
    expect(hint?.field).toBe('orders');
    const largest = hint!.largestFirst as number;
    expect(withPage(query, 'first: 1000', `first: ${largest}`)).toBeLessThanOrEqual(5000);
    expect(withPage(query, 'first: 1000', `first: ${largest + 1}`)).toBeGreaterThan(5000);
    expect(errorsOf(query.replace('first: 1000', `first: ${largest}`))).toEqual([]);
  });

  it('gives the path through aliases and fragments', () => {
    const nested = '{ top: customers(first: 5) { nodes { recent: orders(first: 2000) { nodes { number } } } } }';
    expect(refusal(nested)[0]).toMatchObject({ field: 'top.nodes.recent', largestFirst: 499 });
    const fragment = '{ customers(first: 2) { nodes { ...History } } } fragment History on Customer { orders(first: 5000) { nodes { number } } }';
    expect(refusal(fragment)[0]).toMatchObject({ field: '...History.orders', largestFirst: 1248 });
  });

  it('gives no hint when no single list can fit', () => {
    const wide = `{ ${Array.from({ length: 6 }, (_, index) => `a${index}: customers(first: 1000) { nodes { id } }`).join(' ')} }`;
    expect(refusal(wide)).toEqual([{ message: 'Operation cost 12000 exceeds the limit of 5000', field: undefined, largestFirst: undefined }]);
  });
});

describe('cost with page sizes from variables', () => {
  const VARIABLE_PAGES = /* GraphQL */ `
    query Pages($customers: Int!, $orders: Int = 100) {
      customers(first: $customers) {
        nodes {
          id
          ...History
        }
      }
    }
    fragment History on Customer {
      orders(first: $orders) {
        nodes {
          number
        }
      }
    }
  `;

  it('reads a variable page as 1 at validation, which runs before variables are known', () => {
    expect(errorsOf(VARIABLE_PAGES)).toEqual([]);
    expect(hasVariablePageArgument(parse(VARIABLE_PAGES))).toBe(true);
    expect(hasVariablePageArgument(parse(PATHOLOGICAL))).toBe(false);
  });

  it("writes the request's values (or the variable's default) into the operation for the per-request check", () => {
    const document = parse(VARIABLE_PAGES);
    const inlined = inlinePageVariables(document, getOperationAST(document)!, { customers: 100 });
    expect(print(inlined)).toBe(
      [
        'query Pages($customers: Int!, $orders: Int = 100) {',
        '  customers(first: 100) {',
        '    nodes {',
        '      id',
        '      ...History',
        '    }',
        '  }',
        '}',
        '',
        'fragment History on Customer {',
        '  orders(first: 100) {',
        '    nodes {',
        '      number',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
    const errors = validate(SCHEMA, inlined, createOperationLimits(DEFAULTS).validationRules);
    expect(errors.map((error) => error.extensions.limit)).toEqual(['cost']);
  });

  it("costs a page variable the request does not send (or sends null) at the field's default", () => {
    const document = parse('query Pages($size: Int) { customers(first: $size) { nodes { id orders { nodes { number } } } } }');
    const rules = createOperationLimits({ ...DEFAULTS, maxCost: 1 }).validationRules;
    const costWith = (variables: Record<string, unknown>) => validate(SCHEMA, inlinePageVariables(document, getOperationAST(document)!, variables), rules)[0]?.extensions.found;
    expect(print(inlinePageVariables(document, getOperationAST(document)!, {}))).toContain('customers(first: null)');
    expect(costWith({})).toBe(840);
    expect(costWith({ size: null })).toBe(840);
    expect(costWith({ size: 1 })).toBe(42);
  });

  it('leaves a value that is not an integer for execution to refuse', () => {
    const document = parse(VARIABLE_PAGES);
    const inlined = inlinePageVariables(document, getOperationAST(document)!, { customers: 'many', orders: 2.5 });
    expect(validate(SCHEMA, inlined, createOperationLimits(DEFAULTS).validationRules)).toEqual([]);
  });
});
