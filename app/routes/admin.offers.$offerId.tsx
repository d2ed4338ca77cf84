import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { HistoryTable } from "~/components/history-table";
import { FormError } from "~/components/field";
import { ReasonForm, UndoForm } from "~/components/reason-form";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { offerModerationActionSchema } from "~/modules/offers/offer-moderation.schema";
import { moderateOffer, readOfferForModeration } from "~/modules/offers/offer-moderation.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Offer · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return orNotFound(readOfferForModeration(actor, params.offerId ?? ""));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const offerId = params.offerId ?? "";
  return handleForm(
    await readForm(request),
    offerModerationActionSchema,
    async (data) => {
      const { title, verb } = await moderateOffer(actor, offerId, data);
      return redirectWithFlash(`/admin/offers/${encodeURIComponent(offerId)}`, `"${title}" is ${verb}; its affiliate is told.`);
    },
    { formError: "Check the highlighted field." },
  );
}

export default function AdminOffer() {
  const { offer, history } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const blocked = offer.unlistedAt !== null || offer.status === "PAUSED";
  return (
    <>
      <PageHeader
        title={offer.title}
        description={
          <>
            By <Link to={`/admin/companies/${offer.affiliate.id}`}>{offer.affiliate.name}</Link> · {offer.vertical} · {offer.pricingModel}{" "}
            {formatMoney(offer.priceCents, offer.currency)} · {offer._count.leads} leads
          </>
        }
        actions={
          <>
            <StatusBadge status={offer.status} /> {offer.unlistedAt ? <span className="badge badge-danger">unlisted</span> : null}
          </>
        }
      />
      <FormError error={failure?.formError} />
      {offer.flags.length > 0 ? (
        <div className="alert alert-warning" role="status" data-testid="offer-flags">
          {`Looks suspicious: ${offer.flags.join("; ")}.`}
        </div>
      ) : null}
      <section className="card">
        <h2>Moderation</h2>
        {offer.unlistedAt ? (
          <p className="alert alert-error">
            Unlisted on {formatDateTime(offer.unlistedAt)}: {offer.unlistedReason}
          </p>
        ) : null}
        {offer.status === "ARCHIVED" ? (
          <p className="muted">Archived by its affiliate: nothing to moderate.</p>
        ) : (
          <div className="form-row">
            {offer.unlistedAt ? null : (
              <ReasonForm
                intent="unlist"
                label="Why unlist it"
                hint="The affiliate reads this."
                button="Unlist (off the marketplace, postbacks refused)"
                failure={failure}
              />
            )}
            {offer.status === "PAUSED" ? null : (
              <ReasonForm intent="pause" label="Why pause it" hint="The affiliate reads this." button="Pause (no leads)" failure={failure} />
            )}
            {blocked ? <UndoForm intent="relist" button="Relist" about="Relisting puts it back on the marketplace and lets it take leads again." /> : null}
          </div>
        )}
      </section>
      <section className="card">
        <h2>Open orders</h2>
        <DataTable
          rows={offer.orders}
          stackOnPhone
          empty={<EmptyState title="No open orders" />}
          head={
            <>
              <th>Advertiser</th>
              <th>Order</th>
              <th className="num">Price</th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Advertiser">
                <Link to={`/admin/companies/${o.advertiser.id}`}>{o.advertiser.name}</Link>
              </td>
              <td data-label="Order">
                <code>{o.id}</code>
              </td>
              <td className="num" data-label="Price">
                {formatMoney(o.priceCents, o.currency)}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Moderation history</h2>
        <HistoryTable rows={history} empty={<EmptyState title="Never moderated" />} />
      </section>
    </>
  );
}
