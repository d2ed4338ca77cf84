import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { orderStatusFormSchema, summarizeOrderSettings } from "~/modules/orders/orders.schema";
import { canChangeOrderStatus } from "~/modules/orders/orders.constants";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { ownCardDisputeHold } from "~/modules/billing/chargebacks.server";
import { ownReserveCoverage, type ReserveCoverage } from "~/modules/orders/order-reserves.server";
import { listOwnOrders, setOwnOrderStatus } from "~/modules/orders/orders.server";
import { formatMoney } from "~/utils/money";
import { formFailureFrom, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { redirectWithFlash } from "~/utils/flash.server";

export const meta: MetaFunction = () => [{ title: "Orders · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const orders = await listOwnOrders(actor);
  const [reserves, hold] = await Promise.all([ownReserveCoverage(actor, orders), ownCardDisputeHold(actor)]);
  return {
    cardDisputeHold: hold.held,
    orders: orders.map((o) => ({
      id: o.id,
      offerId: o.offerId,
      offerTitle: o.offer.title,
      pricingModel: o.offer.pricingModel,
      // CPA/CPS orders pay the offer's terms per conversion: shown instead of a price per lead.
      offerPrice: o.offer.pricingModel === "CPL" ? null : offerPriceText({ ...o.offer, conversionEvents: offerEvents(o.offer) }),
      reserve: reserves[o.id] ?? null,
      priceCents: o.priceCents,
      currency: o.currency,
      settings: summarizeOrderSettings(o),
      status: o.status,
      pausedForCardDispute: o.pauseReason === "CARD_DISPUTE",
      pausedForOverdueInvoice: o.pauseReason === "INVOICE_OVERDUE",
      bought: o._count.sales,
      createdAt: o.createdAt,
    })),
  };
}

/** What the person is told after changing an order's status. */
const ORDER_STATUS_DONE = { OPEN: "Order resumed", PAUSED: "Order paused", CLOSED: "Order closed" } as const;

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  try {
    const { orderId, status } = orderStatusFormSchema.parse(Object.fromEntries(form));
    await setOwnOrderStatus(actor, orderId, status);
    return await redirectWithFlash("/advertiser/orders", ORDER_STATUS_DONE[status]);
  } catch (error) {
    return formFailureFrom(error);
  }
}

function StatusButton({ orderId, status, label, danger }: { orderId: string; status: string; label: string; danger?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="status" value={status} />
      <button type="submit" className={`button button-small ${danger ? "button-danger" : "button-ghost"}`}>
        {label}
      </button>
    </Form>
  );
}

/** A CPA/CPS order's reserve, and whether the wallet covers it (else leads are not delivered: say so, with the way out). */
function ReserveLine({ reserve, currency }: { reserve: ReserveCoverage; currency: string }) {
  const wallet = formatMoney(reserve.walletCents, currency);
  const credit = reserve.creditCents > 0 ? ` + ${formatMoney(reserve.creditCents, currency)} credit` : "";
  return (
    <div className="small" data-testid="order-reserve">
      <div>Reserve {formatMoney(reserve.reserveCents, currency)}</div>
      {reserve.covers ? (
        <div className="muted">
          Wallet {wallet}
          {credit} covers it
        </div>
      ) : (
        <div className="text-danger">
          Wallet {wallet}
          {credit} does not cover it: no leads are delivered until you <Link to="/advertiser/billing">top up</Link>
        </div>
      )}
    </div>
  );
}

function Lines({ lines }: { lines: string[] }) {
  if (lines.length === 0) return <span className="muted">None</span>;
  return (
    <>
      {lines.map((line) => (
        <div key={line}>{line}</div>
      ))}
    </>
  );
}

export default function Orders() {
  const { orders, cardDisputeHold } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = actionData && "errors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader
        title="Orders"
        description="What you buy, at which price, with which caps, schedule and filters."
        actions={
          <Link to="/advertiser/marketplace" className="button">
            New order
          </Link>
        }
      />
      <FormError error={failure ? (failure.formError ?? "That change could not be made.") : undefined} />
      {cardDisputeHold ? (
        <div className="alert alert-error" role="alert" data-testid="card-dispute-hold">
          Your orders are paused because a payment to your wallet is disputed with your card&apos;s bank (a chargeback). Leadex resumes them once the dispute is
          settled; contact support if the payment was yours.
        </div>
      ) : null}
      <section className="card">
        <DataTable
          stackOnPhone
          rows={orders}
          empty={
            <EmptyState title="No orders yet">
              Open one from an offer in the <Link to="/advertiser/marketplace">marketplace</Link>.
            </EmptyState>
          }
          head={
            <>
              <th>Offer</th>
              <th>Price or terms</th>
              <th>Caps</th>
              <th>Schedule</th>
              <th>Filters</th>
              <th>Routing and delivery</th>
              <th>Status</th>
              <th className="num">Leads bought</th>
              <th>Opened</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Offer">
                <Link to={`/advertiser/marketplace/${o.offerId}`}>{o.offerTitle}</Link>
              </td>
              <td data-label="Price or terms">
                <span className="tag">{o.pricingModel}</span>
                {o.offerPrice === null ? (
                  <>
                    {formatMoney(o.priceCents, o.currency)}
                    {o.settings.pricing ? <div className="small muted">{o.settings.pricing}</div> : null}
                  </>
                ) : (
                  <>
                    <div className="small">{o.offerPrice}</div>
                    {o.reserve ? <ReserveLine reserve={o.reserve} currency={o.currency} /> : null}
                  </>
                )}
              </td>
              <td data-label="Caps" className="small">
                <Lines lines={o.settings.caps} />
              </td>
              <td data-label="Schedule" className="small">
                {o.settings.schedule}
              </td>
              <td data-label="Filters" className="small">
                <Lines lines={o.settings.filters} />
              </td>
              <td data-label="Routing and delivery" className="small">
                <div>{o.settings.delivery}</div>
                <div className="muted">{o.settings.ranking}</div>
              </td>
              <td data-label="Status">
                <StatusBadge status={o.status} />
                {o.pausedForCardDispute ? <div className="small muted">Paused by Leadex: card dispute</div> : null}
                {o.pausedForOverdueInvoice ? (
                  <div className="small muted">
                    Paused by Leadex: <Link to="/advertiser/billing#invoices">overdue invoice</Link>
                  </div>
                ) : null}
              </td>
              <td data-label="Leads bought" className="num">
                {o.bought}
              </td>
              <td data-label="Opened" className="nowrap">
                {formatDateTime(o.createdAt)}
              </td>
              <td data-label="Actions" className="actions">
                {canChangeOrderStatus(o.status, "PAUSED") ? <StatusButton orderId={o.id} status="PAUSED" label="Pause" /> : null}
                {canChangeOrderStatus(o.status, "OPEN") && !o.pausedForCardDispute && !o.pausedForOverdueInvoice ? (
                  <StatusButton orderId={o.id} status="OPEN" label="Resume" />
                ) : null}
                {canChangeOrderStatus(o.status, "CLOSED") ? <StatusButton orderId={o.id} status="CLOSED" label="Close" danger /> : null}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
