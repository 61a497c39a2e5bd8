export type CustomerSegment = 'ENTERPRISE' | 'MID_MARKET' | 'SMB';

/**
 * A customer exactly as the CRM's REST API answers it. `version` is the CRM's ETag (a strong
 * entity tag with its quotes, e.g. `"3"`), handed to clients verbatim.
 */
export interface CustomerModel {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  segment: CustomerSegment;
  country: string;
  accountManager: string | null;
  createdAt: string;
  updatedAt: string;
  version: string;
}

/** The fields `PATCH /customers/:id` accepts; `phone` and `accountManager` may be cleared. */
export interface CustomerPatch {
  name?: string;
  email?: string;
  phone?: string | null;
  segment?: CustomerSegment;
  country?: string;
  accountManager?: string | null;
}
