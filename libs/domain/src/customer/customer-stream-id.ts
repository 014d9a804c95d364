import { rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import { isUpstreamId } from '../shared/validation';

export const CUSTOMER_STREAM_PREFIX = 'customer-';

/** Customer ids come from upstream: 1-100 letters, digits or . _ : - (safe in stream names and URLs). */
export const isValidCustomerId = (id: unknown): id is string => isUpstreamId(id);

export const toCustomerStreamId = (customerId: string): string => {
  if (!isValidCustomerId(customerId)) {
    throw rejected(ErrorCode.INVALID_ID, 'customerId must be 1-100 letters, digits or . _ : -', { field: 'customerId' });
  }
  return CUSTOMER_STREAM_PREFIX + customerId;
};

/** The customer id of a customer stream, or undefined for any other stream (sagas, $metadata...). */
export const fromCustomerStreamId = (streamId: string): string | undefined => {
  if (!streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return undefined;
  const id = streamId.slice(CUSTOMER_STREAM_PREFIX.length);
  return isValidCustomerId(id) ? id : undefined;
};
