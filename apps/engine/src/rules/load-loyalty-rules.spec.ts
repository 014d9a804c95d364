import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { decide, evolve, initialState, pointsView, type RecordPurchase } from '@lifecycle/domain';
import { ConfigError } from '../config/engine-config';
import { DEFAULT_LOYALTY_RULES_PATH, loadLoyaltyRules, LoyaltyRulesError, parseLoyaltyRules, validateLoyaltyRules } from './load-loyalty-rules';

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const shipped = (): Raw => parse(readFileSync(DEFAULT_LOYALTY_RULES_PATH, 'utf8'));

/** The problems a rules file is refused with, after `change` spoils the shipped one. */
const problemsWith = (change: (rules: Raw) => void): readonly string[] => {
  const rules = shipped();
  change(rules);
  try {
    parseLoyaltyRules(stringify(rules), 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(LoyaltyRulesError);
    return (error as LoyaltyRulesError).problems;
  }
  throw new Error('the rules were accepted');
};

describe('the shipped rules file', () => {
  it('loads, frozen, and drives the domain: 80 euros paid by store card on a member day earn 150 points', () => {
    const rules = loadLoyaltyRules();
    expect(Object.isFrozen(rules) && Object.isFrozen(rules.tiers[0])).toBe(true);
    expect(rules).toMatchObject({ version: '2024-06-01', expiryWarningDays: 30, tierPolicy: { qualifyBy: 'spend', windowMonths: 12 } });
    const purchase: RecordPurchase = {
      type: 'RecordPurchase',
      data: { customerId: 'c-1', orderId: 'o-1', amount: 8000, currency: 'EUR', occurredAt: '2024-07-08T10:00:00+02:00', paymentMethod: 'store-card' },
    };
    const state = decide(purchase, initialState(), { now: '2024-07-08T10:00:00Z', rules }).reduce(evolve, initialState());
    expect(pointsView(state, '2024-07-09T00:00:00Z', rules).balance).toBe(150); // 80 x 1.5 x 1.25
  });

  it('is read as JSON too', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify(shipped()));
    expect(loadLoyaltyRules(file).version).toBe('2024-06-01');
  });
});

describe('a bad rules file stops the engine with the field and the reason', () => {
  it('names a file that cannot be read, or is not YAML', () => {
    expect(() => loadLoyaltyRules('/nonexistent/rules.yaml')).toThrow(/\/nonexistent\/rules\.yaml:\n {2}\(file\): cannot be read/);
    expect(() => parseLoyaltyRules('tiers: [\n  - name: a\n  oops', 'bad.yaml')).toThrow(/\(file\): is not valid YAML at line \d/);
    expect(() => parseLoyaltyRules('- just\n- a list', 'list.yaml')).toThrow('(file): must be a mapping of rules');
  });

  it('is a ConfigError, so start-up prints the message and stops', () => {
    expect(() => validateLoyaltyRules({})).toThrow(ConfigError);
  });

  it.each<[string, (r: Raw) => void, string]>([
    ['a tier below the one before it', (r) => { r.tiers[2].minSpend.EUR = 40_000; }, 'tiers[2].minSpend.EUR: must be >= tiers[1].minSpend.EUR (50000)'],
    ['a first tier that has to be earned', (r) => { r.tiers[0].minSpend.USD = 1; }, 'tiers[0].minSpend.USD: must be 0: everyone starts in the first tier'],
    ['a tier without a threshold in every currency', (r) => { delete r.tiers[1].minSpend.USD; }, 'tiers[1].minSpend.USD: must be an integer number of minor units >= 0'],
    ['a threshold in a currency the rules do not list', (r) => { r.tiers[1].minSpend.GBP = 100; }, 'tiers[1].minSpend.GBP: is not one of the currencies'],
    ['two tiers with one name', (r) => { r.tiers[2].name = 'silver'; }, 'tiers[2].name: repeats the tier silver'],
    ['no tiers at all', (r) => { r.tiers = []; }, 'tiers: must contain at least 1 elements'],
    ['order counts asked for but missing', (r) => { r.tierPolicy.qualifyBy = 'spend-and-orders'; delete r.tiers[3].minOrders; }, 'tiers[3].minOrders: is needed when tierPolicy.qualifyBy is spend-and-orders'],
    ['a misspelt field', (r) => { r.bonuses[1].multiplyer = 2; }, 'bonuses[1].multiplyer: is not a known field'],
    ['a multiplier with 3 decimals', (r) => { r.bonuses[0].multiplier = 1.125; }, 'bonuses[0].multiplier: must be a number with at most 2 decimals'],
    ['a bonus that holds always', (r) => { r.bonuses[2] = { id: 'always', multiplier: 2 }; }, 'bonuses[2]: must state at least one condition (categories, paymentMethods, from/to, daysOfMonth, daysOfWeek)'],
    ['a date range that ends before it starts', (r) => { r.bonuses[0].to = '2024-11-01T00:00:00Z'; }, 'bonuses[0].to: must be after from'],
    ['two bonuses with one id', (r) => { r.bonuses[3].id = 'member-day'; }, 'bonuses[3].id: repeats the id member-day'],
    ['a day of the week 8', (r) => { r.bonuses[1].daysOfWeek = [8]; }, 'bonuses[1].daysOfWeek: each value in daysOfWeek must not be greater than 7'],
    ['a currency that is no ISO code', (r) => { r.currencies.EURO = r.currencies.EUR; }, 'currencies.EURO: is not an ISO 4217 currency code (upper case, e.g. EUR)'],
    ['a point worth per zero points', (r) => { r.currencies.EUR.pointValue.points = 0; }, 'currencies.EUR.pointValue.points: must not be less than 1'],
    ['a default currency not listed', (r) => { r.defaultCurrency = 'GBP'; }, 'defaultCurrency: must be one of the currencies (EUR, USD)'],
    ['a time zone nobody knows', (r) => { r.timeZone = 'Europe/Atlantis'; }, 'timeZone: must be an IANA time zone such as Europe/Paris'],
    ['an expiry policy nobody knows', (r) => { r.expiry = { kind: 'never' }; }, 'expiry.kind: must be one of the following values: months-after-earning, annual-lapse'],
    ['an expiry without its months', (r) => { delete r.expiry.months; }, 'expiry.months: must be an integer number'],
    ['an annual lapse on Feb 29', (r) => { r.expiry = { kind: 'annual-lapse', on: '02-29', percent: 50, minAgeMonths: 6 }; }, 'expiry.on: must be a day every year has (not 02-29)'],
    ['a reward of nothing', (r) => { r.referral.referrer = {}; }, 'referral.referrer: must give points, a coupon, or both'],
    ['an amount-off coupon missing a currency', (r) => { delete r.referral.referee.coupon.amountOff.USD; }, 'referral.referee.coupon.amountOff.USD: must be an integer number of minor units >= 1'],
    ['a percent-off coupon over 100', (r) => { r.birthday.reward.coupon.percentOff = 120; }, 'birthday.reward.coupon.percentOff: must not be greater than 100'],
    ['a version that is no id', (r) => { r.version = 'June 2024'; }, 'version: must be 1-100 letters, digits or . _ : -'],
  ])('refuses %s', (_, change, problem) => {
    expect(problemsWith(change)).toContain(problem);
  });

  it('lists every problem of the shape at once', () => {
    const problems = problemsWith((r) => {
      r.expiryWarningDays = -1;
      r.tiers[1].pointsMultiplier = 'x';
      delete r.version;
    });
    expect(problems).toEqual(expect.arrayContaining([
      'expiryWarningDays: must not be less than 0',
      'tiers[1].pointsMultiplier: must be a number with at most 2 decimals',
      'version: must be 1-100 letters, digits or . _ : -',
    ]));
  });

  it('fills in the documented defaults', () => {
    const rules = shipped();
    delete rules.expiryWarningDays;
    delete rules.tierPolicy;
    delete rules.bonuses;
    delete rules.birthday.graceDays;
    expect(validateLoyaltyRules(rules)).toMatchObject({
      expiryWarningDays: 30, bonuses: [], tierPolicy: { qualifyBy: 'spend', windowMonths: 12, reviewPeriodMonths: 12 }, birthday: { graceDays: 0 },
    });
  });
});
