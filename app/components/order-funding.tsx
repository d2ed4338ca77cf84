import { Link } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { formatMoney } from "~/utils/money";

// Whether the wallet pays an order's next lead, said where orders are listed, shown and opened:
// an open order the wallet cannot pay buys nothing, and the way out is Billing.

export interface OrderFundingView {
  walletCents: number;
  creditCents: number;
  neededCents: number;
  basis: "price" | "reserve";
  covers: boolean;
}

function walletText(funding: OrderFundingView, currency: string): string {
  const credit = funding.creditCents > 0 ? ` + ${formatMoney(funding.creditCents, currency)} credit` : "";
  return `Wallet ${formatMoney(funding.walletCents, currency)}${credit}`;
}

function needText(funding: OrderFundingView, currency: string): string {
  return funding.basis === "price" ? `a lead at ${formatMoney(funding.neededCents, currency)}` : `the reserve of ${formatMoney(funding.neededCents, currency)}`;
}

/** An order's status; an open order the wallet cannot pay reads "Open — not buying: wallet cannot pay" with the way to Billing. */
export function OrderStatusCell({ status, funding, pauseReason }: { status: string; funding: OrderFundingView | null; pauseReason: string | null }) {
  return (
    <>
      <StatusBadge status={status} />
      {status === "OPEN" && funding && !funding.covers ? (
        <div className="small text-danger" data-testid="order-not-buying">
          Open — not buying: wallet cannot pay. <Link to="/advertiser/billing">Top up in Billing</Link>
        </div>
      ) : null}
      {pauseReason === "CARD_DISPUTE" ? <div className="small muted">Paused by Leadex: card dispute</div> : null}
      {pauseReason === "INVOICE_OVERDUE" ? (
        <div className="small muted">
          Paused by Leadex: <Link to="/advertiser/billing#invoices">overdue invoice</Link>
        </div>
      ) : null}
    </>
  );
}

/** A CPA/CPS order's reserve and whether the wallet covers it; a CPL order's wallet only when it cannot pay. */
export function FundingLine({ funding, currency }: { funding: OrderFundingView; currency: string }) {
  if (funding.basis === "price" && funding.covers) return null;
  return (
    <div className="small" data-testid="order-reserve">
      {funding.basis === "reserve" ? <div>Reserve {formatMoney(funding.neededCents, currency)}</div> : null}
      <div className={funding.covers ? "muted" : "text-danger"}>
        {walletText(funding, currency)} {funding.covers ? "covers it" : `does not cover ${needText(funding, currency)}`}
      </div>
    </div>
  );
}

/** The warning above orders (or the order form) when the wallet cannot pay: what it holds, what is needed, where to top up. */
export function WalletWarning({ funding, currency, opening = false }: { funding: OrderFundingView; currency: string; opening?: boolean }) {
  if (funding.covers) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="wallet-warning">
      <p>
        {walletText(funding, currency)} cannot pay {needText(funding, currency)}:{" "}
        {opening ? "you can open this order, but it buys no leads" : "your order buys no leads"} until you{" "}
        <Link to="/advertiser/billing">top up in Billing</Link>.
      </p>
    </div>
  );
}
