export {
  summarizeTransactions,
  utcDayNumber,
  type CustomerSummary,
  type RepeatPurchaseHistory,
  type SpendHistory,
  type SummaryOptions,
  type TimeUnit,
  type Transaction,
} from './summary';
export type { FitOptions, FittedModel } from './fitted-model';
export type { MleOptions } from './mle';
export {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdParams,
} from './bg-nbd';
export {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from './pareto-nbd';
export {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanValue,
  type GammaGammaParams,
} from './gamma-gamma';
export { customerLifetimeValue, DEFAULT_PERIODS_PER_MONTH, type ClvOptions } from './clv';
export { expectedCohortRepeatPurchases } from './cohort-tracking';
