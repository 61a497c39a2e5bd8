import { http } from './graphql.js';

/** The URLs counted: a stack of `startStack` or a borrowed shared stack. */
interface CountedStack {
  systems: { crm: { url: string }; support: { url: string } };
  subgraphs: { erp: { url: string }; billing: { url: string } };
}

/** Upstream work as counted where it lands: HTTP requests at the stand-ins, SQL statements under the query interface. */
export interface UpstreamCounts {
  crmRequests: Record<string, number>;
  supportRequests: Record<string, number>;
  erpStatements: number;
  billingStatements: number;
}

export async function resetCounters(stack: CountedStack): Promise<void> {
  await Promise.all([
    http('POST', `${stack.systems.crm.url}/_stats/reset`),
    http('POST', `${stack.systems.support.url}/_stats/reset`),
    http('POST', `${stack.subgraphs.erp.url}/debug/counters/reset`),
    http('POST', `${stack.subgraphs.billing.url}/debug/counters/reset`),
  ]);
}

export async function readCounters(stack: CountedStack): Promise<UpstreamCounts> {
  const [crm, support, erp, billing] = await Promise.all([
    http<{ byRoute: Record<string, number> }>('GET', `${stack.systems.crm.url}/_stats`),
    http<{ byRoute: Record<string, number> }>('GET', `${stack.systems.support.url}/_stats`),
    http<{ sqlStatements: number }>('GET', `${stack.subgraphs.erp.url}/debug/counters`),
    http<{ sqlStatements: number }>('GET', `${stack.subgraphs.billing.url}/debug/counters`),
  ]);
  const withoutStats = (byRoute: Record<string, number>) => Object.fromEntries(Object.entries(byRoute).filter(([route]) => !route.includes('/_stats')));
  return {
    crmRequests: withoutStats(crm.body.byRoute),
    supportRequests: withoutStats(support.body.byRoute),
    erpStatements: erp.body.sqlStatements,
    billingStatements: billing.body.sqlStatements,
  };
}
