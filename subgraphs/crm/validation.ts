import { badInput } from '../shared/errors.js';
import type { UpdateCustomerInput } from './__generated__/resolvers-types.js';
import { normalizeEmail } from './loaders.js';
import type { CustomerPatch } from './models.js';
import { ORIGIN } from './origin.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9][0-9 ()./-]{2,39}$/;
const COUNTRY = /^[A-Z]{2}$/;
/** RFC 9110 entity-tag syntax; the CRM's format inside the quotes stays its own business. */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e]*"$/;
const MAX_TEXT = 200;

const fail = (field: string, message: string) => badInput(ORIGIN, `input.${field}`, message);

function requiredText(field: string, value: string | null): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length === 0) throw fail(field, `${field} must not be empty`);
  if (trimmed.length > MAX_TEXT) throw fail(field, `${field} must be at most ${MAX_TEXT} characters`);
  return trimmed;
}

/** `expectedVersion` must look like an ETag, so `*` or a list can never skip the version check. */
export function validateExpectedVersion(expectedVersion: string): string {
  if (!ENTITY_TAG.test(expectedVersion)) throw badInput(ORIGIN, 'expectedVersion', 'expectedVersion must be a version read from Customer.version');
  return expectedVersion;
}

/**
 * Checks the input before anything is sent to the CRM and returns the PATCH body.
 * Fields left out stay unchanged; `phone` and `accountManager` may be set to null to clear them.
 */
export function validateUpdateInput(input: UpdateCustomerInput): CustomerPatch {
  const patch: CustomerPatch = {};
  if (input.name !== undefined) patch.name = requiredText('name', input.name);
  if (input.email !== undefined) {
    const email = normalizeEmail(input.email ?? '');
    if (!EMAIL.test(email) || email.length > 254) throw fail('email', 'email must be an email address');
    patch.email = email;
  }
  if (input.phone !== undefined) {
    const phone = input.phone?.trim() ?? null;
    if (phone !== null && !PHONE.test(phone)) throw fail('phone', 'phone must be a phone number (digits, spaces, + ( ) - . /)');
    patch.phone = phone;
  }
  if (input.segment !== undefined) {
    if (input.segment === null) throw fail('segment', 'segment must not be null');
    patch.segment = input.segment;
  }
  if (input.country !== undefined) {
    if (input.country === null || !COUNTRY.test(input.country)) throw fail('country', 'country must be an ISO 3166-1 alpha-2 code such as DE');
    patch.country = input.country;
  }
  if (input.accountManager !== undefined) {
    patch.accountManager = input.accountManager === null ? null : requiredText('accountManager', input.accountManager);
  }
  if (Object.keys(patch).length === 0) throw badInput(ORIGIN, 'input', 'input must change at least one field');
  return patch;
}
