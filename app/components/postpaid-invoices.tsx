import { DataTable } from "~/components/data-table";
import { formatDate } from "~/components/format";
import { EmptyState } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { formatMoney } from "~/utils/money";

// A postpaid advertiser's invoices (the advertiser's billing page and the admin's), newest period first.

export interface InvoiceRow {
  id: string;
  periodStart: string | Date;
  periodEnd: string | Date;
  amountCents: number;
  currency: string;
  status: string;
  hostedInvoiceUrl: string | null;
  dueAt: string | Date | null;
  paidAt: string | Date | null;
  overdue: boolean;
  paymentFailure: string | null;
  lines: ReadonlyArray<{ offerName: string; pricingModel: string | null; count: number; amountCents: number }>;
}

const STATUS_NOTES: Record<string, string> = {
  DRAFT: "Being issued on Stripe",
  OPEN: "Waiting for payment",
  PAID: "Paid: credited to the wallet",
  VOID: "Voided",
  UNCOLLECTIBLE: "Marked uncollectible",
};

export function InvoiceTable({ invoices, payLinks, total }: { invoices: readonly InvoiceRow[]; payLinks: boolean; total: number }) {
  return (
    <>
      <DataTable
        rows={invoices}
        testId="invoices"
        stackOnPhone
        empty={<EmptyState title="No invoices yet">An invoice is issued for each closed period in which leads, actions or sales were billed.</EmptyState>}
        head={
          <>
            <th>Period</th>
            <th>Lines</th>
            <th className="num">Amount</th>
            <th>Status</th>
            <th>Due</th>
          </>
        }
        row={(i) => (
          <tr key={i.id} data-invoice={i.status.toLowerCase()}>
            <td className="nowrap" data-label="Period">
              {formatDate(i.periodStart)} – {formatDate(i.periodEnd)}
            </td>
            <td data-label="Lines">
              {i.lines.map((l) => (
                <div key={`${l.offerName}:${l.pricingModel}`} className="small">
                  {l.offerName}
                  {l.pricingModel ? ` (${l.pricingModel})` : ""}: {l.count} billed, {formatMoney(l.amountCents, i.currency)}
                </div>
              ))}
            </td>
            <td className="num" data-label="Amount">
              {formatMoney(i.amountCents, i.currency)}
            </td>
            <td data-label="Status">
              <StatusBadge status={i.overdue ? "overdue" : i.status} />
              <span className="muted small block">{STATUS_NOTES[i.status]}</span>
              {i.paymentFailure ? <span className="small block negative">Payment failed: {i.paymentFailure}</span> : null}
              {payLinks && i.hostedInvoiceUrl ? (
                <a href={i.hostedInvoiceUrl} className="button button-small" rel="noreferrer">
                  Pay on Stripe
                </a>
              ) : null}
            </td>
            <td className="nowrap" data-label="Due">
              {i.status === "PAID" ? `paid ${formatDate(i.paidAt)}` : formatDate(i.dueAt)}
            </td>
          </tr>
        )}
      />
      {total > invoices.length ? (
        <p className="muted small">
          The newest {invoices.length} of {total} invoices.
        </p>
      ) : null}
    </>
  );
}
