/** Money is integer minor units (cents) with an ISO 4217 currency; never a float. */
export const isMinorUnits = (amount: unknown): amount is number =>
  typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0;

// The ICU list the runtime ships with: current ISO 4217 codes, upper case, no test/fund codes.
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export const isKnownCurrency = (code: unknown): code is string => typeof code === 'string' && KNOWN_CURRENCIES.has(code);
