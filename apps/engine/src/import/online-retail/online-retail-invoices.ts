import type { ImportMessage } from '../import-feed';
import { parseDecimal, SkipCounter } from '../import-feed';
import { londonToUtc } from './london-time';
import { stockCodeKind } from './stock-codes';

/** The engine's customer id for a UCI CustomerID: prefixed, so it never meets a CDNOW id (both are 5 digits). */
export const retailCustomerId = (uciId: string) => `retail-${uciId}`;

/** One CSV row of UCI Online Retail (header InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country). */
export interface RetailRow {
  readonly InvoiceNo: string;
  readonly StockCode: string;
  readonly Quantity: string;
  readonly InvoiceDate: string;
  readonly UnitPrice: string;
  readonly CustomerID: string;
}

interface Line {
  readonly code: string;
  readonly kind: 'product' | 'charge';
  /** Units; positive (a cancellation's negative quantities are turned around). */
  readonly quantity: number;
  /** Pence, the line's value (quantity x unit price), never negative. */
  readonly pence: number;
}

interface Invoice {
  readonly invoiceNo: string;
  readonly customerId: string;
  readonly cancellation: boolean;
  /** UTC instant of the invoice's first line. */
  readonly at: string;
  /** Row number of its first line: the message offset, and the tie-break between equal times. */
  readonly row: number;
  readonly lines: Line[];
  /** Rows that had only shop-account lines in them do not make an invoice. */
}

interface OpenOrder {
  readonly orderId: string;
  readonly at: string;
  refundable: number;
  /** Units per sku still not cancelled. */
  readonly units: Map<string, number>;
}

const CUSTOMER = /^(\d{1,10})(?:\.0+)?$/;
const INVOICE = /^(C?)(\d{1,10})$/;

/**
 * Collects the rows of the file (in any order) into invoices, then turns them into purchase and
 * refund messages in time order. Rows without a customer, shop-account lines and rows that do not
 * parse are counted in `skipped`, with the reason.
 *
 * A cancellation (`C` invoice) becomes a refund of ONE earlier order of the same customer, by this
 * rule: the latest order at or before the cancellation (earlier rows first at equal times) that
 * still holds every cancelled product in at least the cancelled quantity (units already cancelled
 * against it do not count) and has at least the cancellation's value left to refund. The refund
 * amount is the cancellation's value (goods, postage, manual lines and discounts alike). When no
 * order matches (mostly goods bought before 2010-12-01, where the file starts, or a cancellation
 * spanning several orders) it is not imported and is counted as UNMATCHED_CANCELLATION.
 */
export class RetailInvoices {
  readonly skipped = new SkipCounter();
  private readonly invoices = new Map<string, Invoice>();
  rows = 0;

  add(r: RetailRow): void {
    const row = ++this.rows;
    const customer = CUSTOMER.exec((r.CustomerID ?? '').trim());
    if ((r.CustomerID ?? '').trim() === '') {
      this.skipped.add('NO_CUSTOMER', 'rows without a CustomerID (guest or unknown customers)');
      return;
    }
    const invoice = INVOICE.exec((r.InvoiceNo ?? '').trim());
    const quantity = Number((r.Quantity ?? '').trim());
    const priceMilli = parseDecimal(r.UnitPrice ?? '', 3);
    const at = londonToUtc(r.InvoiceDate ?? '');
    if (!customer || !invoice || !Number.isSafeInteger(quantity) || quantity === 0 || priceMilli === undefined || priceMilli < 0 || at === undefined) {
      this.skipped.add('MALFORMED_ROW', `a field does not parse (first: row ${row}, invoice ${r.InvoiceNo})`);
      return;
    }
    const kind = stockCodeKind(r.StockCode);
    if (kind === 'shop-account') {
      this.skipped.add(`SHOP_ACCOUNT:${r.StockCode.trim()}`, "the shop's own bookkeeping (fee, commission, adjustment, sample), not the customer's spend");
      return;
    }
    const cancellation = invoice[1] === 'C';
    if (cancellation !== quantity < 0) {
      this.skipped.add('SIGN_MISMATCH', 'a negative quantity on an order, or a positive one on a cancellation');
      return;
    }
    const invoiceNo = `${invoice[1]}${invoice[2]}`;
    let inv = this.invoices.get(invoiceNo);
    if (!inv) {
      inv = { invoiceNo, customerId: retailCustomerId(customer[1]!), cancellation, at, row, lines: [] };
      this.invoices.set(invoiceNo, inv);
    }
    const units = Math.abs(quantity);
    inv.lines.push({ code: r.StockCode.trim(), kind, quantity: units, pence: Math.round((units * priceMilli) / 10) });
  }

  /** Purchases and refunds, in time order, with the matching rule above. */
  messages(): ImportMessage[] {
    const ordered = [...this.invoices.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.row - b.row));
    const orders = new Map<string, OpenOrder[]>();
    const out: ImportMessage[] = [];
    for (const inv of ordered) {
      const amount = inv.lines.reduce((sum, l) => sum + l.pence, 0);
      if (!inv.cancellation) {
        const items = inv.lines.filter((l) => l.kind === 'product').map((l) => ({ sku: l.code, quantity: l.quantity, amount: l.pence }));
        out.push({
          kind: 'purchases', customerId: inv.customerId, line: inv.row,
          body: { orderId: inv.invoiceNo, amount, currency: 'GBP', occurredAt: inv.at, ...(items.length > 0 ? { items } : {}) },
        });
        const open: OpenOrder = { orderId: inv.invoiceNo, at: inv.at, refundable: amount, units: new Map() };
        for (const i of items) open.units.set(i.sku, (open.units.get(i.sku) ?? 0) + i.quantity);
        const list = orders.get(inv.customerId);
        if (list) list.push(open);
        else orders.set(inv.customerId, [open]);
        continue;
      }
      if (amount === 0) {
        this.skipped.add('ZERO_CANCELLATION', 'cancellations worth nothing (zero prices): no refund to record');
        continue;
      }
      const wanted = new Map<string, number>();
      for (const l of inv.lines) if (l.kind === 'product') wanted.set(l.code, (wanted.get(l.code) ?? 0) + l.quantity);
      const candidates = orders.get(inv.customerId) ?? [];
      let match: OpenOrder | undefined;
      for (let i = candidates.length - 1; i >= 0 && !match; i--) {
        const o = candidates[i]!;
        if (o.refundable >= amount && [...wanted].every(([sku, q]) => (o.units.get(sku) ?? 0) >= q)) match = o;
      }
      if (!match) {
        this.skipped.add('UNMATCHED_CANCELLATION', 'cancellations (C invoices) that no single earlier order of the customer in the file covers: not imported');
        continue;
      }
      match.refundable -= amount;
      for (const [sku, q] of wanted) match.units.set(sku, match.units.get(sku)! - q);
      out.push({ kind: 'refunds', customerId: inv.customerId, line: inv.row, body: { refundId: inv.invoiceNo, orderId: match.orderId, amount, occurredAt: inv.at } });
    }
    return out;
  }
}
