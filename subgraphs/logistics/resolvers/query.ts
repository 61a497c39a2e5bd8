import { aggregateAnswer, readGroupBy, readPeriod, readRowLimit } from '../../shared/aggregates.js';
import { readPage, sliceConnection, toConnection } from '../../shared/connection.js';
import { restrictedCustomer } from '../../shared/row-rules.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { badInput } from '../../shared/errors.js';
import { SHIPMENT_ID, SHIPMENTS_KEYSET, sortedById } from '../keysets.js';
import type { ShipmentModel } from '../models.js';
import { ORIGIN } from '../origin.js';
import { ownShipment } from '../row-rules.js';

/** The system serves at most this many shipments per list call. */
const SYSTEM_PAGE_SIZE = 100;

export const Query: QueryResolvers = {
  shipment: async (_root, { id }, { principal, loaders }) => ownShipment(principal, await loaders.shipmentById.load(id)),
  shipments: async (_root, args, { principal, client, loaders }) => {
    const page = readPage(args, SHIPMENTS_KEYSET, ORIGIN);
    if (page.after !== null && !SHIPMENT_ID.test(String(page.after[0]))) throw badInput(ORIGIN, 'after', 'after is not a cursor returned by this field');
    // A portal principal lists only its own parcels (one call), never the system's whole list.
    const own = restrictedCustomer(principal);
    if (own !== null) return sliceConnection(sortedById(await client.shipmentsByCustomerIds([own])), page, SHIPMENTS_KEYSET, 'asc');
    let afterId = page.after === null ? null : String(page.after[0]);
    if (page.limit === 0) {
      // Nothing to return, but whether anything follows is still a fair question.
      const probe = await client.listShipments(1, afterId);
      return { nodes: [], pageInfo: { hasNextPage: probe.shipments.length > 0, endCursor: null } };
    }
    // ⌈first / 100⌉ calls, each after the last id of the one before: the system says itself whether more follow.
    const nodes: ShipmentModel[] = [];
    let more = true;
    while (more && nodes.length < page.limit) {
      const part = await client.listShipments(Math.min(SYSTEM_PAGE_SIZE, page.limit - nodes.length), afterId);
      nodes.push(...part.shipments);
      afterId = part.shipments.at(-1)?.id ?? afterId;
      more = part.hasMore && part.shipments.length > 0;
    }
    loaders.prime(nodes);
    const connection = toConnection(nodes, page, SHIPMENTS_KEYSET);
    return { nodes: connection.nodes, pageInfo: { ...connection.pageInfo, hasNextPage: more } };
  },
  // Counted by the carrier system; the arguments are checked before it is asked.
  shipmentStats: async (_root, args, { principal, client }) => {
    const period = readPeriod(args, ORIGIN);
    const groupBy = readGroupBy(args.groupBy, ['STATUS'], ORIGIN);
    const limit = readRowLimit(args.first, ORIGIN);
    const rows = await client.shipmentStats({ ...period, groupBy, customerId: restrictedCustomer(principal) ?? undefined });
    return aggregateAnswer(period, groupBy, rows, limit, (row) => row);
  },
};
