import { InvalidDefinitionError } from '@lifecycle/read-store';
import { clvFamily } from './clv.family';
import { parseClvDefinition } from './clv.definition';
import { dayBefore, periodStart } from './clv.projection';

const valid = () => ({ projection: 'clv', version: 2, model: 'paretonbd', unit: 'days', horizon: 365, monthlyDiscountRate: 0, currency: 'EUR', refit: 'daily' });

describe('clv definition', () => {
  it('reads the shipped file and a valid variant', () => {
    expect(clvFamily.defaultDefinition).toMatchObject({ projection: 'clv', version: 1, model: 'bgnbd', unit: 'weeks', horizon: 52, monthlyDiscountRate: 0.01, currency: 'USD', refit: 'weekly' });
    expect(parseClvDefinition(valid())).toEqual(valid());
  });

  it.each([
    ['model', { model: 'gammagamma' }],
    ['unit', { unit: 'months' }],
    ['horizon', { horizon: 0 }],
    ['monthlyDiscountRate', { monthlyDiscountRate: 1 }],
    ['currency', { currency: 'usd' }],
    ['refit', { refit: 'hourly' }],
    ['horizn', { horizn: 52 }],
  ])('refuses a bad %s, naming it', (field, change) => {
    expect(() => parseClvDefinition({ ...valid(), ...change })).toThrow(InvalidDefinitionError);
    expect(() => parseClvDefinition({ ...valid(), ...change })).toThrow(expect.objectContaining({ field }));
  });
});

describe('refit periods', () => {
  it('starts a day at midnight UTC and an ISO week on Monday', () => {
    expect(periodStart('1997-10-01T13:00:00.000Z', 'daily')).toBe('1997-10-01');
    expect(periodStart('1997-10-01T13:00:00.000Z', 'weekly')).toBe('1997-09-29'); // a Wednesday
    expect(periodStart('1997-09-29T00:00:00.000Z', 'weekly')).toBe('1997-09-29'); // the Monday itself
    expect(periodStart('1997-09-28T23:59:59.999Z', 'weekly')).toBe('1997-09-22'); // the Sunday before
    expect(periodStart('1969-12-31T12:00:00.000Z', 'weekly')).toBe('1969-12-29');
    expect(dayBefore('1997-03-01')).toBe('1997-02-28');
  });
});
