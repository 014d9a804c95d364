import { holdoutGroup, holdoutPoint } from './holdout';

describe('holdout assignment', () => {
  const customers = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);

  it('is deterministic: the same campaign and customer always land in the same group', () => {
    for (const id of customers.slice(0, 100)) expect(holdoutGroup('spring', id, 0.1)).toBe(holdoutGroup('spring', id, 0.1));
  });

  it('holds out the configured share (within 4 standard errors over 20,000 customers)', () => {
    const control = customers.filter((id) => holdoutGroup('spring', id, 0.1) === 'control').length / customers.length;
    const se = Math.sqrt((0.1 * 0.9) / customers.length);
    expect(Math.abs(control - 0.1)).toBeLessThan(4 * se);
  });

  it('draws again per campaign: another campaign\'s control group is another set of customers', () => {
    const a = new Set(customers.filter((id) => holdoutGroup('spring', id, 0.1) === 'control'));
    const b = customers.filter((id) => holdoutGroup('autumn', id, 0.1) === 'control');
    const both = b.filter((id) => a.has(id)).length;
    // Independent draws overlap on about 10% of b; identical ones would overlap on all of it.
    expect(both / b.length).toBeLessThan(0.2);
  });

  it('maps into [0, 1) and a share of 0 holds out nobody', () => {
    for (const id of customers.slice(0, 1000)) {
      const p = holdoutPoint('spring', id);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(1);
      expect(holdoutGroup('spring', id, 0)).toBe('treated');
    }
  });
});
