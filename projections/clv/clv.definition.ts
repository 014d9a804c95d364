import type { TimeUnit } from '@lifecycle/clv';
import { InvalidDefinitionError, parseCommonFields, type ProjectionParameters } from '@lifecycle/read-store';
import { TIME_UNITS, TRANSACTION_MODELS, type TransactionModel } from './clv-model';
import { CLV, type RefitSchedule } from './clv.projection';

/** One version of the clv projection: which model, in which unit, over which horizon, refitted when. */
export interface ClvDefinition extends ProjectionParameters {
  readonly model: TransactionModel;
  readonly unit: TimeUnit;
  readonly horizon: number;
  readonly monthlyDiscountRate: number;
  readonly currency: string;
  readonly refit: RefitSchedule;
}

const REFITS: readonly RefitSchedule[] = ['daily', 'weekly', 'off'];

export function parseClvDefinition(raw: unknown): ClvDefinition {
  const f = parseCommonFields(raw, CLV, ['model', 'unit', 'horizon', 'monthlyDiscountRate', 'currency', 'refit']);
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T => {
    if (!allowed.includes(f[field] as T)) throw new InvalidDefinitionError(field, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(f[field])})`);
    return f[field] as T;
  };
  const model = oneOf('model', TRANSACTION_MODELS);
  const unit = oneOf('unit', TIME_UNITS);
  const refit = oneOf('refit', REFITS);
  if (typeof f.horizon !== 'number' || !(f.horizon > 0) || !Number.isFinite(f.horizon)) throw new InvalidDefinitionError('horizon', `must be a positive number of ${unit} (got ${JSON.stringify(f.horizon)})`);
  const rate = f.monthlyDiscountRate;
  if (typeof rate !== 'number' || !(rate >= 0) || !(rate < 1)) throw new InvalidDefinitionError('monthlyDiscountRate', `must be a number in [0, 1) (got ${JSON.stringify(rate)})`);
  if (typeof f.currency !== 'string' || !/^[A-Z]{3}$/.test(f.currency)) throw new InvalidDefinitionError('currency', `must be an ISO 4217 code like USD (got ${JSON.stringify(f.currency)})`);
  return {
    projection: f.projection,
    version: f.version,
    ...(f.description !== undefined && { description: f.description }),
    model,
    unit,
    horizon: f.horizon,
    monthlyDiscountRate: rate,
    currency: f.currency,
    refit,
  };
}
