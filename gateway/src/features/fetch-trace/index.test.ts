import { HeaderMap } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../context.js';
import { fetchTraceFeature, FETCHES_HEADER } from './index.js';

/** Who gets `extensions.fetches`: asked for with the header, and in production only with schema:introspect. */
async function slotFor(production: boolean, scopes: string[] | null, asked = true): Promise<GatewayContext['fetches']> {
  const [plugin] = fetchTraceFeature(production).plugins!;
  const contextValue = { requestId: 'r', principal: scopes ? { subject: 's', scopes } : null } as unknown as GatewayContext;
  const headers = new HeaderMap(asked ? [[FETCHES_HEADER, '1']] : []);
  await plugin!.requestDidStart!({ request: { http: { headers } }, contextValue } as never);
  return contextValue.fetches;
}

describe('the fetch trace', () => {
  it('records only when asked, and in production only for a caller holding schema:introspect', async () => {
    expect(await slotFor(false, null)).toEqual([]);
    expect(await slotFor(false, ['crm:read'], false)).toBeUndefined();
    expect(await slotFor(true, ['crm:read'])).toBeUndefined();
    expect(await slotFor(true, null)).toBeUndefined();
    expect(await slotFor(true, ['crm:read', 'schema:introspect'])).toEqual([]);
  });
});
