/**
 * What a line's StockCode is. UCI Online Retail mixes goods with codes that are not goods
 * (SOURCES.md lists them). The rule, per code:
 *
 * - `charge`: postage and carriage (POST, DOT, C2), manual price lines (M, m) and discounts (D).
 *   Money the customer paid or got back on that invoice: counted in the order (or refund) amount,
 *   but not an item.
 * - `shop-account`: the shop's own bookkeeping, not the customer's spend: bank charges, Amazon
 *   fees, charity commission (CRUK), bad-debt adjustments (B) and samples (S). The line is left out
 *   and counted in the import summary.
 * - `product`: everything else (5-digit codes with or without a letter, gift vouchers, PADS, the
 *   DCGS... party bags): an item with sku = StockCode, its quantity and its amount.
 */
export type StockCodeKind = 'product' | 'charge' | 'shop-account';

const CHARGES = new Set(['POST', 'DOT', 'C2', 'M', 'm', 'D']);
const SHOP_ACCOUNT = new Set(['BANK CHARGES', 'AMAZONFEE', 'CRUK', 'B', 'S']);

export function stockCodeKind(code: string): StockCodeKind {
  const c = code.trim();
  if (CHARGES.has(c)) return 'charge';
  if (SHOP_ACCOUNT.has(c)) return 'shop-account';
  return 'product';
}
