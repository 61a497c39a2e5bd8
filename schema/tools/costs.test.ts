import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../../gateway/src/config.js';
import { createOperationLimits } from '../../gateway/src/features/limits/index.js';
import { projectPath } from '../../common/project-root.js';
import { operationCosts, renderCostTable, runCosts, withCostTable } from './costs.js';
import { buildSupergraphSchema } from '../../gateway/src/features/limits/list-sizes.js';

const SCHEMA = buildSupergraphSchema(readFileSync(projectPath('schema/supergraph.graphql'), 'utf8'));
const LIMITS = readGatewayConfig({}, []).limits;

/** Whether the gateway's own validation rules let the operation through. */
const passes = (query: string) => validate(SCHEMA, parse(query), createOperationLimits(LIMITS).validationRules).length === 0;

describe('npm run costs', () => {
  it("finds the largest page sizes the gateway's limit lets through, and one more it refuses", () => {
    const query =
      'query Other { products(first: 7) { id } } query Wide($first: Int = 50) { customers(first: 4) { nodes { id orders(first: $first) { nodes { number invoice { number } } } } } }';
    const [, cost] = operationCosts(SCHEMA, LIMITS.maxCost, [{ client: 'test', document: parse(query) }]);
    expect(cost).toMatchObject({ client: 'test', operation: 'Wide', cost: 4 * (2 + 50 * 3) });
    const [customers, orders] = cost!.pages;
    expect(customers!.list).toBe('customers(first: 4)');
    expect(orders!.list).toBe('orders(first: $first)');
    const literal = (customersFirst: number, ordersFirst: number) =>
      `{ customers(first: ${customersFirst}) { nodes { id orders(first: ${ordersFirst}) { nodes { number invoice { number } } } } } }`;
    expect([passes(literal(customers!.largest, 50)), passes(literal(customers!.largest + 1, 50))]).toEqual([true, false]);
    expect([passes(literal(4, orders!.largest)), passes(literal(4, orders!.largest + 1))]).toEqual([true, false]);
  });

  it('says when no page size fits and when any does', () => {
    const costs = operationCosts(SCHEMA, 10, [
      { client: 'test', document: parse('query Tight { customers(first: 2) { nodes { orders(first: 1000) { nodes { number } } } } products(first: 1) { id } }') },
    ]);
    expect(renderCostTable(costs, 10).split('\n').at(-1)).toBe('| test | `Tight` | 4005 | customers(first: 2): none fits; orders(first: 1000): 1; products(first: 1): none fits |');
  });

  it('keeps the README table in step with the committed operations (run `npm run costs` after changing one)', () => {
    const messages: string[] = [];
    expect(runCosts(['--check'], { out: (text) => messages.push(text), err: (text) => messages.push(text) }), messages.join('')).toBe(0);
  });

  it('refuses a README without the markers rather than appending somewhere', () => {
    expect(() => withCostTable('# README\n', 'table')).toThrow(/no <!-- operation-costs:start -->/);
  });
});
