import { formatMoney } from "~/utils/money";
import { formatBps } from "./format";

// The asking price, the platform fee and what the affiliate is paid, wherever an affiliate sees a
// price. The view comes from billing/offer-payout.ts (the loader computes it).

interface PayoutLine {
  label: string;
  askingCents: number;
  feeCents: number;
  payoutCents: number;
}

export interface OfferPayoutData {
  feeBps: number;
  currency: string;
  pricingModel: string;
  lines: PayoutLine[];
  salePercentBps: number | null;
}

function feeNote(payout: OfferPayoutData): string {
  const kept = formatBps(payout.feeBps);
  const yours = formatBps(10_000 - payout.feeBps);
  return payout.pricingModel === "CPL"
    ? `Leadex keeps a ${kept} platform fee of what each buyer pays (rounded to the cent); buyers may bid above your asking price, and you are paid ${yours} of their bid.`
    : `Leadex keeps a ${kept} platform fee of each payout (rounded to the cent); you are paid ${yours}.`;
}

/** One line per price: "Per lead: asking $25.00 − fee $5.00 = you are paid $20.00". `compact` for a table cell. */
export function OfferPayout({ payout, compact = false }: { payout: OfferPayoutData; compact?: boolean }) {
  const money = (cents: number) => formatMoney(cents, payout.currency);
  const sale =
    payout.salePercentBps !== null ? (
      <li>
        {formatBps(payout.salePercentBps)} of each sale − {formatBps(payout.feeBps)} fee = you are paid{" "}
        <strong>{formatBps(Math.round((payout.salePercentBps * (10_000 - payout.feeBps)) / 10_000))}</strong> of the sale
      </li>
    ) : null;
  return (
    <div className="offer-payout" data-testid="offer-payout">
      <ul className="plain-list">
        {payout.lines.map((l) => (
          <li key={l.label}>
            {payout.lines.length > 1 || !compact ? `${l.label}: ` : ""}asking {money(l.askingCents)} − fee {money(l.feeCents)} = you are paid{" "}
            <strong>{money(l.payoutCents)}</strong>
          </li>
        ))}
        {sale}
      </ul>
      {compact ? null : <p className="muted small">{feeNote(payout)}</p>}
    </div>
  );
}
