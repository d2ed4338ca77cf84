import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { ChoiceFilterField, FilterButtons, SearchFilterField } from "~/components/filter-bar";
import { formatDate, humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { OFFER_STATUSES } from "~/modules/offers/offer-moderation.constants";
import { offerModerationFilterSchema } from "~/modules/offers/offer-moderation.schema";
import { listOffersForModeration } from "~/modules/offers/offer-moderation.server";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Offers · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const filter = offerModerationFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listOffersForModeration(actor, filter)) };
}

/** An offer's price as buyers see it: "CPL $25.00", "CPS 8% of the sale". */
function priceWords(o: { pricingModel: string; priceCents: number; salePercentBps: number | null; currency: string }): string {
  if (o.pricingModel === "CPS" && o.salePercentBps !== null) return `CPS ${(o.salePercentBps / 100).toFixed(2).replace(/\.00$/, "")}% of the sale`;
  return `${o.pricingModel} ${formatMoney(o.priceCents, o.currency)}`;
}

export default function AdminOffers() {
  const { rows, nextCursor, filter, affiliates } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const filtered = Boolean(filter.q || filter.status || filter.affiliateId || filter.listing || filter.flagged);
  return (
    <>
      <PageHeader
        title="Offers"
        description="Every affiliate's offers, newest first. Flagged: priced under $1 or titled with markup. Open one to pause, unlist or relist it."
      />
      <Form method="get" className="filter-bar card">
        <SearchFilterField value={filter.q} placeholder="Title or offer id" />
        <ChoiceFilterField
          name="status"
          label="Status"
          anyLabel="Any status"
          value={filter.status}
          options={OFFER_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
        />
        <ChoiceFilterField
          name="affiliateId"
          label="Affiliate"
          anyLabel="Any affiliate"
          value={filter.affiliateId}
          options={affiliates.map((a) => ({ value: a.id, label: a.name }))}
        />
        <ChoiceFilterField
          name="listing"
          label="Marketplace"
          anyLabel="Listed or not"
          value={filter.listing}
          options={[
            { value: "listed", label: "Listed" },
            { value: "unlisted", label: "Unlisted" },
          ]}
        />
        <label className="checkbox" htmlFor="f-flagged">
          <input id="f-flagged" name="flagged" type="checkbox" value="1" defaultChecked={filter.flagged === "1"} /> Flagged only
        </label>
        <FilterButtons clearTo="/admin/offers" filtered={filtered} />
      </Form>
      <section className="card">
        <DataTable
          rows={rows}
          testId="admin-offers"
          stackOnPhone
          empty={<EmptyState title={filtered ? "No offers match these filters" : "No offers yet"} />}
          head={
            <>
              <th>Offer</th>
              <th>Affiliate</th>
              <th className="num">Price</th>
              <th>Status</th>
              <th>Flags</th>
              <th className="num">Open orders</th>
              <th>Created</th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Offer">
                <Link to={`/admin/offers/${o.id}`}>{o.title}</Link>
                <div className="muted small">{o.vertical}</div>
              </td>
              <td data-label="Affiliate">
                <Link to={`/admin/companies/${o.affiliate.id}`}>{o.affiliate.name}</Link>
              </td>
              <td className="num nowrap" data-label="Price">
                {priceWords(o)}
              </td>
              <td data-label="Status">
                <StatusBadge status={o.status} /> {o.unlisted ? <span className="badge badge-danger">unlisted</span> : null}
              </td>
              <td data-label="Flags">
                {o.flags.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  o.flags.map((f) => (
                    <span key={f} className="badge badge-warning">
                      {f}
                    </span>
                  ))
                )}
              </td>
              <td className="num" data-label="Open orders">
                {o.openOrders}
              </td>
              <td className="nowrap" data-label="Created">
                {formatDate(o.createdAt)}
              </td>
            </tr>
          )}
        />
        <CursorPager search={search} nextCursor={nextCursor} label="Offer pages" />
      </section>
    </>
  );
}
