import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { humanize } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { listMarketplaceOffers } from "~/modules/offers/offers.server";
import { DISTRIBUTION_DESCRIPTIONS } from "~/modules/routing/routing.schema";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Marketplace · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const offers = await listMarketplaceOffers(actor);
  return {
    offers: offers.map((o) => ({
      id: o.id,
      title: o.title,
      vertical: o.vertical,
      country: o.country,
      states: o.states,
      pricingModel: o.pricingModel,
      priceCents: o.priceCents,
      salePercentBps: o.salePercentBps,
      saleMinCents: o.saleMinCents,
      saleMaxCents: o.saleMaxCents,
      conversionEvents: o.conversionEvents,
      currency: o.currency,
      exclusivity: o.exclusivity,
      distribution: o.distribution,
      maxBuyers: o.maxBuyers,
      returnWindowDays: o.returnWindowDays,
      affiliateName: o.affiliate.name,
    })),
  };
}

export default function Marketplace() {
  const { offers } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Marketplace" description="Active offers. Open an order to buy the leads that match your price and filters." />
      <section className="card">
        <DataTable
          stackOnPhone
          rows={offers}
          empty={<EmptyState title="No active offers right now">Check back soon: affiliates publish new offers every day.</EmptyState>}
          head={
            <>
              <th>Offer</th>
              <th>Vertical</th>
              <th>Geo</th>
              <th>Price</th>
              <th>Exclusivity</th>
              <th>Leads go to</th>
              <th className="num">Return window</th>
              <th>Affiliate</th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Offer">
                <Link to={`/advertiser/marketplace/${o.id}`}>{o.title}</Link>
              </td>
              <td data-label="Vertical">{humanize(o.vertical)}</td>
              <td data-label="Geo">
                {o.country}
                {o.states.length > 0 ? ` · ${o.states.join(", ")}` : ""}
              </td>
              <td data-label="Price">
                <span className="tag">{o.pricingModel}</span> {offerPriceText(o)}
              </td>
              <td data-label="Exclusivity">{o.exclusivity === "EXCLUSIVE" ? "Exclusive" : `Shared (up to ${o.maxBuyers})`}</td>
              <td data-label="Leads go to">{DISTRIBUTION_DESCRIPTIONS[o.distribution]}</td>
              <td data-label="Return window" className="num">
                {o.returnWindowDays} days
              </td>
              <td data-label="Affiliate">{o.affiliateName}</td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
