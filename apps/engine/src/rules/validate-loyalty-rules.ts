import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { isKnownCurrency, isTimeZone, type LoyaltyRules, parseInstant } from '@lifecycle/domain';
import { CurrencyRuleDto, LoyaltyRulesDto, type RewardDto } from './loyalty-rules.schema';

/**
 * The checks a loyalty rules object must pass, apart from where it comes from: the engine's rules
 * file (load-loyalty-rules.ts) and the rules a points or tier projection definition carries
 * (projections/points, projections/tier) go through the same ones. No engine configuration here.
 */
export type RulesCheck = { readonly rules: LoyaltyRules; readonly problems?: undefined } | { readonly rules?: undefined; readonly problems: readonly string[] };

/** Shape with class-validator, then the rules that span fields; `problems` are `path: reason` lines. */
export function checkLoyaltyRules(raw: unknown): RulesCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: ['(file): must be a mapping of rules'] };
  const dto = plainToInstance(LoyaltyRulesDto, raw);
  const problems = shapeProblems(dto, '');
  // The per-currency rules are objects under keys nobody can name in advance: validated one by one.
  if (typeof dto.currencies === 'object' && dto.currencies !== null) {
    for (const [code, rule] of Object.entries(dto.currencies)) {
      problems.push(...shapeProblems(plainToInstance(CurrencyRuleDto, rule ?? {}), `currencies.${code}`));
    }
  }
  // Rules spanning fields read fields the shape guarantees, so they come once the shape is right.
  if (problems.length === 0) problems.push(...crossFieldProblems(dto));
  if (problems.length > 0) return { problems };
  return { rules: deepFreeze(JSON.parse(JSON.stringify(dto)) as LoyaltyRules) };
}

const VALIDATION = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

const shapeProblems = (dto: object, prefix: string): string[] => describe(validateSync(dto, VALIDATION), prefix);

// class-validator reports array elements as children named by their index; spell them `tiers[2]`.
const describe = (errors: readonly ValidationError[], prefix: string): string[] =>
  errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, reason]) =>
      rule === 'whitelistValidation' ? `${path}: is not a known field` : `${path}: ${withoutName(reason, error.property)}`);
    return [...own, ...describe(error.children ?? [], path)];
  });

// "points must not be less than 1" under the path `currencies.EUR.pointValue.points` reads "must not be less than 1".
const withoutName = (reason: string, property: string) => (reason.startsWith(`${property} `) ? reason.slice(property.length + 1) : reason);

function crossFieldProblems(r: LoyaltyRulesDto): string[] {
  const problems: string[] = [];
  const problem = (path: string, reason: string) => problems.push(`${path}: ${reason}`);
  const codes = Object.keys(r.currencies);
  if (codes.length === 0) problem('currencies', 'must list at least one currency');
  for (const code of codes) {
    if (!isKnownCurrency(code)) problem(`currencies.${code}`, 'is not an ISO 4217 currency code (upper case, e.g. EUR)');
  }
  if (!isTimeZone(r.timeZone)) problem('timeZone', 'must be an IANA time zone such as Europe/Paris');
  if (!codes.includes(r.defaultCurrency)) problem('defaultCurrency', `must be one of the currencies (${codes.join(', ')})`);

  const perCurrency = (path: string, map: unknown, min: number) => {
    if (typeof map !== 'object' || map === null) return problem(path, 'must map each currency to an amount in minor units');
    for (const code of codes) {
      const amount = (map as Record<string, unknown>)[code];
      if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < min) {
        problem(`${path}.${code}`, `must be an integer number of minor units >= ${min}`);
      }
    }
    for (const code of Object.keys(map)) if (!codes.includes(code)) problem(`${path}.${code}`, 'is not one of the currencies');
  };

  const ids = new Set<string>();
  r.bonuses.forEach((b, i) => {
    const path = `bonuses[${i}]`;
    if (ids.has(b.id)) problem(`${path}.id`, `repeats the id ${b.id}`);
    ids.add(b.id);
    const conditions = [b.categories, b.paymentMethods, b.from, b.to, b.daysOfMonth, b.daysOfWeek].filter((c) => c !== undefined);
    if (conditions.length === 0) problem(path, 'must state at least one condition (categories, paymentMethods, from/to, daysOfMonth, daysOfWeek)');
    if (b.from !== undefined && b.to !== undefined && parseInstant(b.to)! <= parseInstant(b.from)!) problem(`${path}.to`, 'must be after from');
  });

  if (r.expiry.kind === 'annual-lapse' && r.expiry.on === '02-29') problem('expiry.on', 'must be a day every year has (not 02-29)');

  const names = new Set<string>();
  r.tiers.forEach((tier, i) => {
    const path = `tiers[${i}]`;
    if (names.has(tier.name)) problem(`${path}.name`, `repeats the tier ${tier.name}`);
    names.add(tier.name);
    perCurrency(`${path}.minSpend`, tier.minSpend, 0);
    if (i === 0) {
      for (const code of codes) if (tier.minSpend[code] !== 0) problem(`${path}.minSpend.${code}`, 'must be 0: everyone starts in the first tier');
      if ((tier.minOrders ?? 0) !== 0) problem(`${path}.minOrders`, 'must be 0: everyone starts in the first tier');
      return;
    }
    const below = r.tiers[i - 1]!;
    for (const code of codes) {
      const [mine, theirs] = [tier.minSpend[code], below.minSpend[code]];
      if (typeof mine === 'number' && typeof theirs === 'number' && mine < theirs) {
        problem(`${path}.minSpend.${code}`, `must be >= tiers[${i - 1}].minSpend.${code} (${theirs})`);
      }
    }
    if (tier.minOrders !== undefined && below.minOrders !== undefined && tier.minOrders < below.minOrders) {
      problem(`${path}.minOrders`, `must be >= tiers[${i - 1}].minOrders (${below.minOrders})`);
    }
    if (r.tierPolicy.qualifyBy !== 'spend' && tier.minOrders === undefined) {
      problem(`${path}.minOrders`, `is needed when tierPolicy.qualifyBy is ${r.tierPolicy.qualifyBy}`);
    }
  });

  const reward = (path: string, w: RewardDto) => {
    if (w.points === undefined && w.coupon === undefined) problem(path, 'must give points, a coupon, or both');
    if (w.coupon?.kind === 'amount-off') {
      perCurrency(`${path}.coupon.amountOff`, w.coupon.amountOff, 1);
      perCurrency(`${path}.coupon.minSpend`, w.coupon.minSpend, 0);
    }
  };
  if (r.referral) {
    reward('referral.referrer', r.referral.referrer);
    reward('referral.referee', r.referral.referee);
  }
  if (r.birthday) reward('birthday.reward', r.birthday.reward);
  return problems;
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};
