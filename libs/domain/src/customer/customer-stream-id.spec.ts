import { DomainError } from '../shared/domain-error';
import { fromCustomerStreamId, isValidCustomerId, toCustomerStreamId } from './customer-stream-id';

describe('customer stream ids', () => {
  it('prefixes the customer id and reads it back', () => {
    expect(toCustomerStreamId('c-1001')).toBe('customer-c-1001');
    expect(fromCustomerStreamId('customer-c-1001')).toBe('c-1001');
    expect(fromCustomerStreamId(toCustomerStreamId('a.b_c:d-E9'))).toBe('a.b_c:d-E9');
  });

  it('reads no customer id from other streams', () => {
    expect(fromCustomerStreamId('winback-c-1001')).toBeUndefined();
    expect(fromCustomerStreamId('customer-')).toBeUndefined();
    expect(fromCustomerStreamId('$metadata')).toBeUndefined();
  });

  it.each(['', ' ', 'c 1', 'c/1', 'ç-1', 'c'.repeat(101)])('refuses %p as a customer id', (id) => {
    expect(isValidCustomerId(id)).toBe(false);
    expect(() => toCustomerStreamId(id)).toThrow(DomainError);
  });

  it('accepts 100 characters', () => {
    expect(isValidCustomerId('c'.repeat(100))).toBe(true);
  });
});
