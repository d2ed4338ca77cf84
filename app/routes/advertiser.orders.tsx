import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { canChangeOrderStatus, orderFiltersSchema, orderStatusFormSchema } from "~/modules/orders/orders.schema";
import { listOwnOrders, setOwnOrderStatus } from "~/modules/orders/orders.server";
import { formatMoney } from "~/utils/money";
import { formFailureFrom } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Orders · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const orders = await listOwnOrders(actor);
  return {
    orders: orders.map((o) => {
      const filters = orderFiltersSchema.safeParse(o.filters);
      return {
        id: o.id,
        offerId: o.offerId,
        offerTitle: o.offer.title,
        priceCents: o.priceCents,
        currency: o.currency,
        dailyCap: o.dailyCap,
        states: filters.success ? filters.data.states : [],
        postalCodePrefixes: filters.success ? filters.data.postalCodePrefixes : [],
        status: o.status,
        bought: o._count.sales,
        createdAt: o.createdAt,
      };
    }),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await request.formData();
  try {
    const { orderId, status } = orderStatusFormSchema.parse(Object.fromEntries(form));
    await setOwnOrderStatus(actor, orderId, status);
    return { ok: true as const };
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

export default function Orders() {
  const { orders } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = actionData && "errors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader
        title="Orders"
        description="What you buy, at which price and with which filters."
        actions={
          <Link to="/advertiser/marketplace" className="button">
            New order
          </Link>
        }
      />
      <FormError error={failure ? (failure.formError ?? "That change could not be made.") : undefined} />
      <section className="card">
        <DataTable
          rows={orders}
          empty={
            <EmptyState title="No orders yet">
              Open one from an offer in the <Link to="/advertiser/marketplace">marketplace</Link>.
            </EmptyState>
          }
          head={
            <>
              <th>Offer</th>
              <th className="num">Price</th>
              <th className="num">Daily cap</th>
              <th>Filters</th>
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
              <td>
                <Link to={`/advertiser/marketplace/${o.offerId}`}>{o.offerTitle}</Link>
              </td>
              <td className="num">{formatMoney(o.priceCents, o.currency)}</td>
              <td className="num">{o.dailyCap ?? "—"}</td>
              <td className="small">
                {o.states.length === 0 && o.postalCodePrefixes.length === 0 ? <span className="muted">None</span> : null}
                {o.states.length > 0 ? <div>States: {o.states.join(", ")}</div> : null}
                {o.postalCodePrefixes.length > 0 ? <div>Postal codes: {o.postalCodePrefixes.map((p) => `${p}…`).join(", ")}</div> : null}
              </td>
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td className="num">{o.bought}</td>
              <td className="nowrap">{formatDateTime(o.createdAt)}</td>
              <td className="actions">
                {canChangeOrderStatus(o.status, "PAUSED") ? <StatusButton orderId={o.id} status="PAUSED" label="Pause" /> : null}
                {canChangeOrderStatus(o.status, "OPEN") ? <StatusButton orderId={o.id} status="OPEN" label="Resume" /> : null}
                {canChangeOrderStatus(o.status, "CLOSED") ? <StatusButton orderId={o.id} status="CLOSED" label="Close" danger /> : null}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
