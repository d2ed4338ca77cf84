import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmFinalForm } from "~/components/confirm-final-form";
import { DataTable } from "~/components/data-table";
import { FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { OrderForm } from "~/components/order-form";
import { HistoryTable } from "~/components/history-table";
import { FundingLine, OrderStatusCell, WalletWarning } from "~/components/order-funding";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import {
  canChangeOrderStatus,
  createOrderSchema,
  needsConfirmation,
  ORDER_STATUS_CHANGED,
  orderFormToInput,
  orderFormValues,
  orderStatusFormSchema,
} from "~/modules/orders/orders.schema";
import { setOwnOrderStatus, updateOwnOrder } from "~/modules/orders/orders.server";
import { ownOrderPageView } from "~/modules/orders/order-views.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.order.offerTitle ?? "Order"} · Orders · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const confirmClose = new URL(request.url).searchParams.get("confirm") === "close";
  return orNotFound(ownOrderPageView(actor, params.orderId ?? "", { confirmClose }));
}

/** intent=save: the edit form; intent=status: pause, resume, or close (which needs confirm=yes). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const orderId = params.orderId ?? "";
  const here = `/advertiser/orders/${encodeURIComponent(orderId)}`;
  const form = await readForm(request);
  if (form.get("intent") === "status") {
    return handleForm(
      form,
      orderStatusFormSchema,
      async (data) => {
        if (needsConfirmation(data)) return redirect(`${here}?confirm=close#close`);
        await setOwnOrderStatus(actor, orderId, data.status);
        return redirectWithFlash(here, ORDER_STATUS_CHANGED[data.status]);
      },
      { toInput: (f) => ({ ...Object.fromEntries(f), orderId }) },
    );
  }
  return handleForm(
    form,
    createOrderSchema,
    async (data) => {
      const changed = await updateOwnOrder(actor, orderId, data);
      return redirectWithFlash(
        here,
        changed.length > 0 ? "Order saved. Its history below lists what changed." : "Nothing to save: the order already had these settings.",
      );
    },
    { toInput: orderFormToInput, values: orderFormValues, formError: "Check the fields marked below." },
  );
}

function StatusForm({ status, label, danger }: { status: string; label: string; danger?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="status" value={status} />
      <button type="submit" className={`button button-small ${danger ? "button-danger" : "button-ghost"}`}>
        {label}
      </button>
    </Form>
  );
}

function CloseConfirmation({ title }: { title: string }) {
  return (
    <section className="card" id="close" aria-labelledby="close-title" data-testid="close-confirmation">
      <h2 id="close-title">Close this order?</h2>
      <p>
        <strong>This cannot be undone.</strong> Close the order on {title}? It stops buying leads at once and cannot be reopened; the leads it bought stay
        yours. To stop for a while, pause it instead.
      </p>
      <ConfirmFinalForm fields={{ intent: "status", status: "CLOSED" }} confirmLabel="Close the order for good" />
    </section>
  );
}

export default function OrderPage() {
  const { order, formOffer, initial, history, sales, confirmClose } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : null;
  const statusFailure = failure && failure.values?.intent === "status" ? failure : null;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/orders">← Orders</Link>
      </p>
      <PageHeader
        title={`Order: ${order.offerTitle}`}
        description={`Opened ${formatDateTime(order.createdAt)} · ${order.bought} ${order.bought === 1 ? "lead" : "leads"} bought`}
        actions={
          <div className="row-actions">
            {canChangeOrderStatus(order.status, "PAUSED") ? <StatusForm status="PAUSED" label="Pause" /> : null}
            {canChangeOrderStatus(order.status, "OPEN") && order.pauseReason === null ? <StatusForm status="OPEN" label="Resume" /> : null}
            {canChangeOrderStatus(order.status, "CLOSED") && !confirmClose ? <StatusForm status="CLOSED" label="Close…" danger /> : null}
          </div>
        }
      />
      <FormError error={statusFailure || order.status === "CLOSED" ? failure?.formError : undefined} />
      {confirmClose ? <CloseConfirmation title={order.offerTitle} /> : null}
      {order.status === "OPEN" && order.funding ? <WalletWarning funding={order.funding} currency={order.currency} /> : null}
      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl className="details" data-testid="order-details">
          <dt>Status</dt>
          <dd>
            <OrderStatusCell status={order.status} funding={order.funding} pauseReason={order.pauseReason} />
          </dd>
          <dt>Offer</dt>
          <dd>
            <Link to={`/advertiser/marketplace/${order.offerId}`}>{order.offerTitle}</Link> · <span className="tag">{order.pricingModel}</span>{" "}
            {offerPriceText(order.offerPrice)}
          </dd>
          <dt>{order.pricingModel === "CPL" ? "Your price" : "Wallet"}</dt>
          <dd>
            {order.pricingModel === "CPL" ? formatMoney(order.priceCents, order.currency) : null}
            {order.settings.pricing ? <div className="small muted">{order.settings.pricing}</div> : null}
            {order.funding && order.status !== "CLOSED" ? <FundingLine funding={order.funding} currency={order.currency} /> : null}
          </dd>
          <dt>Caps</dt>
          <dd>{order.settings.caps.length > 0 ? order.settings.caps.join(" · ") : "None"}</dd>
          <dt>Schedule</dt>
          <dd>{order.settings.schedule}</dd>
          <dt>Filters</dt>
          <dd>{order.settings.filters.length > 0 ? order.settings.filters.join(" · ") : "None"}</dd>
          <dt>Delivery</dt>
          <dd>
            {order.settings.delivery} · {order.settings.ranking}
          </dd>
        </dl>
      </section>
      {order.status === "CLOSED" ? null : (
        <section className="card" id="edit" aria-labelledby="edit-title">
          <h2 id="edit-title">Edit the order</h2>
          <p className="muted small">Changes apply to the next lead. Each saved change is kept in the history below.</p>
          <OrderForm offer={formOffer} answer={statusFailure ? null : failure} initial={initial} submitLabel="Save changes">
            <input type="hidden" name="intent" value="save" />
          </OrderForm>
        </section>
      )}
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <HistoryTable rows={history} testId="order-history" empty={<p className="muted">No changes since the order was opened.</p>} />
      </section>
      <section className="card" aria-labelledby="sales-title">
        <h2 id="sales-title">Recent leads</h2>
        <DataTable
          rows={sales}
          stackOnPhone
          empty={<EmptyState title="No leads bought on this order yet" />}
          head={
            <>
              <th>Lead</th>
              <th className="num">Price</th>
              <th>Sold</th>
              <th>Contacted</th>
            </>
          }
          row={(s) => (
            <tr key={s.leadId}>
              <td data-label="Lead">
                <Link to={`/advertiser/leads/${s.leadId}`}>{s.name || "View lead"}</Link>
              </td>
              <td className="num" data-label="Price">
                {formatMoney(s.priceCents, order.currency)}
              </td>
              <td className="nowrap" data-label="Sold">
                {formatDateTime(s.soldAt)}
              </td>
              <td data-label="Contacted">{s.contactedAt ? formatDateTime(s.contactedAt) : <span className="muted">Not yet</span>}</td>
            </tr>
          )}
        />
        <p>
          <Link to={`/advertiser/leads?orderId=${order.id}`}>All leads of this order</Link>
        </p>
      </section>
    </>
  );
}
