import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { FormError } from "~/components/field";
import { SearchStatusFilterBar } from "~/components/filter-bar";
import { formatDate, formatDateTime } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { FundingLine, OrderStatusCell, WalletWarning } from "~/components/order-funding";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { ownOrderListView } from "~/modules/orders/order-list-views.server";
import { ORDER_STATUSES } from "~/modules/orders/orders.constants";
import { canChangeOrderStatus, needsConfirmation, ORDER_STATUS_CHANGED, orderStatusFormSchema, ownOrderListFilterSchema } from "~/modules/orders/orders.schema";
import { setOwnOrderStatus } from "~/modules/orders/orders.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Orders · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const filter = ownOrderListFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await ownOrderListView(actor, filter)) };
}

/** Pause or resume here; closing is final and is confirmed on the order's page first. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return handleForm(await readForm(request), orderStatusFormSchema, async (change) => {
    if (needsConfirmation(change)) return redirect(`/advertiser/orders/${encodeURIComponent(change.orderId)}?confirm=close`);
    await setOwnOrderStatus(actor, change.orderId, change.status);
    return redirectWithFlash("/advertiser/orders", ORDER_STATUS_CHANGED[change.status]);
  });
}

function StatusButton({ orderId, status, label }: { orderId: string; status: string; label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="status" value={status} />
      <button type="submit" className="button button-small button-ghost">
        {label}
      </button>
    </Form>
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
  const { orders, nextCursor, filter, cardDisputeHold, unpaid } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const filtered = Boolean(filter.q || filter.status);
  const actionData = useActionData<typeof action>();
  const failure = actionData && "errors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader
        title="Orders"
        description="What you buy, at which price, with which caps, schedule and filters. Newest first."
        actions={
          <Link to="/advertiser/marketplace" className="button">
            New order
          </Link>
        }
      />
      <FormError error={failure ? (failure.formError ?? "That change could not be made.") : undefined} />
      {unpaid ? <WalletWarning funding={unpaid.funding} currency={unpaid.currency} /> : null}
      {cardDisputeHold ? (
        <div className="alert alert-error" role="alert" data-testid="card-dispute-hold">
          Your orders are paused because a payment to your wallet is disputed with your card&apos;s bank (a chargeback). Leadex resumes them once the dispute is
          settled; contact support if the payment was yours.
        </div>
      ) : null}
      <SearchStatusFilterBar filter={filter} placeholder="Offer title" statuses={ORDER_STATUSES} clearTo="/advertiser/orders" />
      <section className="card">
        <DataTable
          rows={orders}
          stackOnPhone
          testId="orders"
          empty={
            filtered ? (
              <EmptyState title="No orders match these filters" />
            ) : (
              <EmptyState title="No orders yet">
                Open one from an offer in the <Link to="/advertiser/marketplace">marketplace</Link>.
              </EmptyState>
            )
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
              <th className="num">Bought</th>
              <th>Opened</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Offer">
                <Link to={`/advertiser/orders/${o.id}`}>{o.offerTitle}</Link>
              </td>
              <td data-label="Price">
                <span className="tag">{o.pricingModel}</span>
                {o.offerTerms === null ? (
                  <>
                    {formatMoney(o.priceCents, o.currency)}
                    {o.settings.pricing ? <div className="small muted">{o.settings.pricing}</div> : null}
                  </>
                ) : (
                  <div className="small">{offerPriceText(o.offerTerms)}</div>
                )}
                {o.funding ? <FundingLine funding={o.funding} currency={o.currency} /> : null}
              </td>
              <td className="small" data-label="Caps">
                <Lines lines={o.settings.caps} />
              </td>
              <td className="small" data-label="Schedule">
                {o.settings.schedule}
              </td>
              <td className="small" data-label="Filters">
                <Lines lines={o.settings.filters} />
              </td>
              <td className="small" data-label="Delivery">
                <div>{o.settings.delivery}</div>
                <div className="muted">{o.settings.ranking}</div>
              </td>
              <td data-label="Status">
                <OrderStatusCell status={o.status} funding={o.funding} pauseReason={o.pauseReason} />
              </td>
              <td className="num" data-label="Leads bought">
                {o.bought}
              </td>
              <td className="nowrap" data-label="Opened">
                {/* The day only, the time on hover: the row's actions must fit beside it at 1280 px. */}
                <time dateTime={new Date(o.createdAt).toISOString()} title={formatDateTime(o.createdAt)}>
                  {formatDate(o.createdAt)}
                </time>
              </td>
              <td data-label="Actions">
                <div className="row-actions">
                  {o.status === "CLOSED" ? null : (
                    <Link to={`/advertiser/orders/${o.id}#edit`} className="button button-small button-ghost">
                      Edit
                    </Link>
                  )}
                  {canChangeOrderStatus(o.status, "PAUSED") ? <StatusButton orderId={o.id} status="PAUSED" label="Pause" /> : null}
                  {canChangeOrderStatus(o.status, "OPEN") && o.pauseReason === null ? <StatusButton orderId={o.id} status="OPEN" label="Resume" /> : null}
                  {canChangeOrderStatus(o.status, "CLOSED") ? (
                    <Link to={`/advertiser/orders/${o.id}?confirm=close#close`} className="button button-small button-danger">
                      Close…
                    </Link>
                  ) : null}
                </div>
              </td>
            </tr>
          )}
        />
        <CursorPager search={search} nextCursor={nextCursor} label="Order pages" />
      </section>
    </>
  );
}
