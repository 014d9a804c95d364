import type { DataSource, EntityManager } from 'typeorm';
import { type CustomerSummary, summarizeTransactions, type TimeUnit, type Transaction } from '@lifecycle/clv';
import { type ClvModel, type CustomerScore, fitModel, minorPerMajor, type ModelFit, scoreCustomer, transactionCurves } from './clv-model';
import type { ClvDefinition } from './clv.definition';
import { CLV, type ClvOrder, customerSummaryAsOf, endOfDay, transactionsOf } from './clv.projection';

type Db = DataSource | EntityManager;

const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { days: 1, weeks: 7 };

/** A fit as stored: the model's parameters with the day they were fitted as of, numbered per version. */
export interface StoredFit extends ModelFit {
  readonly projectionVersion: number;
  /** 1, 2, … per projection version, in the order the fits were made: the model version answers name. */
  readonly seq: number;
  /** The last day observed (YYYY-MM-DD, inclusive). */
  readonly asOf: string;
  /** 'schedule' (the log clock passed a refit boundary) or 'request' (POST /clv/fit). */
  readonly trigger: 'schedule' | 'request';
}

/** No fit of the needed model is stored (as of the day asked): the answer is a 404 with this code. */
export class ClvNoFitError extends Error {
  readonly code = 'CLV.NO_FIT';
  constructor(readonly model: string, readonly asOf: string | null) {
    super(`no ${model} fit${asOf ? ` as of ${asOf} or earlier` : ''} yet: POST /clv/fit, or wait for the scheduled refit`);
    this.name = 'ClvNoFitError';
  }
}

/** The clv projection has no active version yet. */
export class ClvNotBuiltError extends Error {
  readonly code = 'CLV.NOT_BUILT';
  constructor() {
    super('the clv projection has no active version yet');
    this.name = 'ClvNotBuiltError';
  }
}

/** Every customer's summary as of the end of `asOf` (YYYY-MM-DD), from one version's rows. */
export async function summariesAsOf(db: Db, version: number, definition: ClvDefinition, asOf: string, unit: TimeUnit = definition.unit): Promise<CustomerSummary[]> {
  const rows = (await db.query(`SELECT customer_id, orders FROM clv_customer WHERE projection_version = $1`, [version])) as { customer_id: string; orders: Record<string, ClvOrder> }[];
  const factor = minorPerMajor(definition.currency);
  const until = endOfDay(asOf);
  const transactions: Transaction[] = [];
  for (const row of rows) for (const t of transactionsOf({ customerId: row.customer_id, orders: row.orders }, until, factor)) transactions.push(t);
  return summarizeTransactions(transactions, { asOf, unit });
}

/**
 * Fits `model` on one version's rows as of `asOf` and stores it with the next seq. Throws (and
 * stores nothing) when there is nothing to fit on. Do not call it on the embedded read store inside
 * another transaction than `db`'s own.
 */
export async function fitAndStore(
  db: Db,
  version: number,
  definition: ClvDefinition,
  model: ClvModel,
  asOf: string,
  trigger: StoredFit['trigger'],
  unit: TimeUnit = definition.unit,
): Promise<StoredFit> {
  const summaries = await summariesAsOf(db, version, definition, asOf, unit);
  if (summaries.length === 0) throw new ClvNoCustomersError(asOf);
  const fit = fitModel(model, summaries, unit);
  if (!fit.converged || !Number.isFinite(fit.logLikelihood)) throw new ClvFitFailedError(model, asOf);
  const [{ seq }] = (await db.query(
    `INSERT INTO clv_fit (projection_version, seq, model, unit, as_of, trigger, params, standard_errors, log_likelihood, customers, converged)
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10 FROM clv_fit WHERE projection_version = $1
     RETURNING seq`,
    [version, model, unit, asOf, trigger, JSON.stringify(fit.params), fit.standardErrors === null ? null : JSON.stringify(fit.standardErrors), fit.logLikelihood, fit.customers, fit.converged],
  )) as [{ seq: number }];
  return { ...fit, projectionVersion: version, seq: Number(seq), asOf, trigger };
}

export class ClvNoCustomersError extends Error {
  readonly code = 'CLV.NO_CUSTOMERS';
  constructor(readonly asOf: string) {
    super(`no customer had bought by ${asOf}: nothing to fit`);
    this.name = 'ClvNoCustomersError';
  }
}

export class ClvFitFailedError extends Error {
  readonly code = 'CLV.FIT_FAILED';
  constructor(readonly model: string, readonly asOf: string) {
    super(`the ${model} fit as of ${asOf} did not converge`);
    this.name = 'ClvFitFailedError';
  }
}

interface RawFit {
  projection_version: number;
  seq: number;
  model: ClvModel;
  unit: ModelFit['unit'];
  as_of: string;
  trigger: StoredFit['trigger'];
  params: Record<string, number>;
  standard_errors: Record<string, number> | null;
  log_likelihood: number | string;
  customers: number;
  converged: boolean;
}

const fromRaw = (r: RawFit): StoredFit => ({
  projectionVersion: Number(r.projection_version),
  seq: Number(r.seq),
  model: r.model,
  unit: r.unit,
  asOf: r.as_of,
  trigger: r.trigger,
  params: r.params,
  standardErrors: r.standard_errors,
  logLikelihood: Number(r.log_likelihood),
  customers: Number(r.customers),
  converged: r.converged,
  iterations: 0,
});

/** The latest fit of `model` as of `asOf` or earlier (any when asOf is null): the newest as-of, then the newest seq. */
export async function latestFit(db: Db, version: number, model: ClvModel, asOf: string | null): Promise<StoredFit | null> {
  const [raw] = (await db.query(
    `SELECT * FROM clv_fit WHERE projection_version = $1 AND model = $2 AND ($3::text IS NULL OR as_of <= $3) ORDER BY as_of DESC, seq DESC LIMIT 1`,
    [version, model, asOf],
  )) as RawFit[];
  return raw ? fromRaw(raw) : null;
}

export async function fitsOf(db: Db, version: number): Promise<StoredFit[]> {
  return ((await db.query(`SELECT * FROM clv_fit WHERE projection_version = $1 ORDER BY seq`, [version])) as RawFit[]).map(fromRaw);
}

/** The served (active) version of the clv projection, or null. */
export async function activeClvVersion(db: Db): Promise<number | null> {
  const [row] = (await db.query(`SELECT version FROM projection_checkpoints WHERE projection = $1 AND active`, [CLV])) as { version: number }[];
  return row ? Number(row.version) : null;
}

/** The log clock as the version has seen it (its last ClockTicked), or null before any tick. */
export async function clvClock(db: Db, version: number): Promise<string | null> {
  const [row] = (await db.query(`SELECT at FROM clv_clock WHERE projection_version = $1`, [version])) as { at: Date | string }[];
  return row ? new Date(row.at).toISOString() : null;
}

export interface ClvView {
  readonly customerId: string;
  /** The instant the figures are for; the customer is observed to the end of its UTC day. */
  readonly asOf: string;
  readonly pAlive: number;
  /** In the next `horizon` units after asOf's day. */
  readonly expectedPurchases: number;
  /** Of one future purchase, in `currency` major units. */
  readonly expectedAvgValue: number;
  readonly clv: number;
  readonly currency: string;
  readonly horizon: { readonly length: number; readonly unit: string; readonly monthlyDiscountRate: number };
  readonly model: { readonly transaction: FitRef; readonly spend: FitRef };
  readonly projectionVersion: number;
}

export interface FitRef {
  readonly model: string;
  readonly asOf: string;
  /** `clv v<projection version> fit <seq>`: which stored parameters produced the figures. */
  readonly version: string;
  readonly params: Readonly<Record<string, number>>;
}

const refOf = (fit: StoredFit): FitRef => ({ model: fit.model, asOf: fit.asOf, version: `clv v${fit.projectionVersion} fit ${fit.seq}`, params: fit.params });

/**
 * One customer's P(alive), expected purchases, expected average value and CLV as of `asOf` (default:
 * the version's log clock), from his facts known by the end of that day and the latest fits as of
 * that day or earlier. null when the customer had no purchase (in the definition's currency) by
 * then; ClvNoFitError when no fit is stored yet.
 */
export async function clvOf(
  db: Db,
  customerId: string,
  options: { readonly asOf?: string; readonly definitionOf: (version: number) => ClvDefinition | Promise<ClvDefinition> },
): Promise<ClvView | null> {
  const version = await activeClvVersion(db);
  if (version === null) throw new ClvNotBuiltError();
  const definition = await options.definitionOf(version);
  const asOf = options.asOf ?? (await clvClock(db, version));
  const [row] = (await db.query(`SELECT orders, last_purchase_at FROM clv_customer WHERE projection_version = $1 AND customer_id = $2`, [version, customerId])) as {
    orders: Record<string, ClvOrder>;
    last_purchase_at: Date | string | null;
  }[];
  if (!row) return null;
  // Without ticks nor an asOf, the customer's own last purchase is the latest instant the log shows.
  const at = asOf ?? (row.last_purchase_at === null ? null : new Date(row.last_purchase_at).toISOString());
  if (at === null) return null;
  const day = at.slice(0, 10);
  const transactionFit = await latestFit(db, version, definition.model, day);
  if (transactionFit === null) throw new ClvNoFitError(definition.model, day);
  const spendFit = await latestFit(db, version, 'gammagamma', day);
  if (spendFit === null) throw new ClvNoFitError('gammagamma', day);
  const summary = customerSummaryAsOf({ customerId, orders: row.orders }, day, transactionFit.unit, minorPerMajor(definition.currency));
  if (summary === null) return null;
  const spend = spendFit.params as { p: number; q: number; gamma: number };
  // The horizon is in the definition's unit; a fit requested in the other unit is scored in its own.
  const horizon = (definition.horizon * DAYS_PER_UNIT[definition.unit]) / DAYS_PER_UNIT[transactionFit.unit];
  const score = scoreCustomer(transactionCurves(definition.model, transactionFit.params), spend, summary, {
    horizon,
    unit: transactionFit.unit,
    monthlyDiscountRate: definition.monthlyDiscountRate,
  });
  return {
    customerId,
    asOf: at,
    pAlive: score.pAlive,
    expectedPurchases: score.expectedPurchases,
    expectedAvgValue: score.expectedAvgValue,
    clv: score.clv,
    currency: definition.currency,
    horizon: { length: horizon, unit: transactionFit.unit, monthlyDiscountRate: definition.monthlyDiscountRate },
    model: { transaction: refOf(transactionFit), spend: refOf(spendFit) },
    projectionVersion: version,
  };
}

/** Many customers' figures as of one day, and the fits that produced them. */
export interface ClvOfCustomers {
  /** The last day observed (YYYY-MM-DD, to its end). */
  readonly asOf: string;
  readonly currency: string;
  readonly horizon: ClvView['horizon'];
  readonly model: ClvView['model'];
  readonly projectionVersion: number;
  /** Customers with a purchase (in the currency) by the end of the day; the others are absent. */
  readonly figures: ReadonlyMap<string, CustomerScore>;
}

/**
 * The figures of `clvOf`, for many customers at once, as of the end of `day` (YYYY-MM-DD): the latest
 * fits as of that day or earlier, each customer's facts known by the end of it, the definition's
 * horizon and discount. Read-only. ClvNoFitError when either fit is missing. (RFM's value groups by
 * CLV rank these; projections/rfm/rfm.value-groups.ts.)
 */
export async function clvOfCustomers(db: Db, version: number, definition: ClvDefinition, day: string, customerIds: readonly string[]): Promise<ClvOfCustomers> {
  const transactionFit = await latestFit(db, version, definition.model, day);
  if (transactionFit === null) throw new ClvNoFitError(definition.model, day);
  const spendFit = await latestFit(db, version, 'gammagamma', day);
  if (spendFit === null) throw new ClvNoFitError('gammagamma', day);
  const rows = (await db.query(`SELECT customer_id, orders FROM clv_customer WHERE projection_version = $1 AND customer_id = ANY($2::text[])`, [
    version,
    customerIds,
  ])) as { customer_id: string; orders: Record<string, ClvOrder> }[];
  const factor = minorPerMajor(definition.currency);
  const horizon = (definition.horizon * DAYS_PER_UNIT[definition.unit]) / DAYS_PER_UNIT[transactionFit.unit];
  const options = { horizon, unit: transactionFit.unit, monthlyDiscountRate: definition.monthlyDiscountRate };
  const curves = transactionCurves(definition.model, transactionFit.params);
  const spend = spendFit.params as { p: number; q: number; gamma: number };
  const figures = new Map<string, CustomerScore>();
  for (const row of rows) {
    const summary = customerSummaryAsOf({ customerId: row.customer_id, orders: row.orders }, day, transactionFit.unit, factor);
    if (summary !== null) figures.set(row.customer_id, scoreCustomer(curves, spend, summary, options));
  }
  return {
    asOf: day,
    currency: definition.currency,
    horizon: { length: horizon, unit: transactionFit.unit, monthlyDiscountRate: definition.monthlyDiscountRate },
    model: { transaction: refOf(transactionFit), spend: refOf(spendFit) },
    projectionVersion: version,
    figures,
  };
}
