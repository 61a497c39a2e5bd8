import { aggregateAnswer, readGroupBy, readPeriod, readRowLimit } from '../../shared/aggregates.js';
import { encodeCursor, readPage, sliceConnection } from '../../shared/connection.js';
import { restrictedCustomer } from '../../shared/row-rules.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { ShipmentModel } from '../models.js';
import { ORIGIN } from '../origin.js';
import { ownShipment } from '../row-rules.js';

/** The system serves at most this many shipments per list call. */
const SYSTEM_PAGE_SIZE = 100;

export const Query: QueryResolvers = {
  shipment: async (_root, { id }, { principal, loaders }) => ownShipment(principal, await loaders.shipmentById.load(id)),
  shipments: async (_root, args, { principal, client, loaders }) => {
    const page = readPage(args, ORIGIN);
    // A portal principal lists only its own parcels (one call), never the system's whole list.
    const own = restrictedCustomer(principal);
    if (own !== null) return sliceConnection(await client.shipmentsByCustomerIds([own]), page);
    if (page.limit === 0) {
      // Nothing to return, but whether anything follows is still a fair question.
      const probe = await client.listShipments(1, page.offset);
      return { nodes: [], pageInfo: { hasNextPage: probe.shipments.length > 0, endCursor: null } };
    }
    // ⌈first / 100⌉ calls: the system says itself whether more follow.
    const nodes: ShipmentModel[] = [];
    let more = true;
    while (more && nodes.length < page.limit) {
      const part = await client.listShipments(Math.min(SYSTEM_PAGE_SIZE, page.limit - nodes.length), page.offset + nodes.length);
      nodes.push(...part.shipments);
      more = part.hasMore && part.shipments.length > 0;
    }
    loaders.prime(nodes);
    return { nodes, pageInfo: { hasNextPage: more, endCursor: nodes.length > 0 ? encodeCursor(page.offset + nodes.length - 1) : null } };
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
