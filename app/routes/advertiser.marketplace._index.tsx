import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { ChoiceFilterField, FilterButtons, SearchFilterField } from "~/components/filter-bar";
import { formatBps, humanize } from "~/components/format";
import { offerPriceText } from "~/components/offer-terms";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { isMarketplaceFiltered, MARKETPLACE_SORT_LABELS, MARKETPLACE_SORTS, PRICING_MODELS } from "~/modules/offers/marketplace.constants";
import { readMarketplaceQuery, type MarketplaceQuery } from "~/modules/offers/marketplace.schema";
import { MARKETPLACE_PAGE_SIZE } from "~/modules/offers/marketplace.server";
import { marketplaceSearchView } from "~/modules/offers/marketplace-views.server";
import { DISTRIBUTION_DESCRIPTIONS } from "~/modules/routing/routing.schema";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Marketplace · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const query = readMarketplaceQuery(new URL(request.url).searchParams);
  return marketplaceSearchView(actor, query);
}

/** 0.8123 → "81%"; no data → "—". */
function rate(value: number | null): string {
  return value === null ? "—" : formatBps(Math.round(value * 10_000));
}

function SearchBar({ query, verticals }: { query: MarketplaceQuery; verticals: string[] }) {
  return (
    <Form method="get" className="filter-bar card" role="search">
      <SearchFilterField value={query.q} placeholder="Title or vertical" />
      <ChoiceFilterField
        name="vertical"
        label="Vertical"
        anyLabel="Any vertical"
        value={query.vertical}
        options={verticals.map((v) => ({ value: v, label: humanize(v) }))}
      />
      <div className="field">
        <label htmlFor="f-state">State</label>
        <input id="f-state" name="state" maxLength={2} placeholder="CA" defaultValue={query.state ?? ""} />
      </div>
      <ChoiceFilterField name="model" label="Pricing" anyLabel="Any model" value={query.model} options={PRICING_MODELS.map((m) => ({ value: m, label: m }))} />
      <div className="field">
        <label htmlFor="f-sort">Sort</label>
        <select id="f-sort" name="sort" defaultValue={query.sort}>
          {MARKETPLACE_SORTS.map((s) => (
            <option key={s} value={s}>
              {MARKETPLACE_SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <FilterButtons clearTo="/advertiser/marketplace" filtered={isMarketplaceFiltered(query) || query.sort !== "newest"} />
    </Form>
  );
}

export default function Marketplace() {
  const { offers, query, total, verticals } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <PageHeader
        title="Marketplace"
        description="Active offers with what their traffic did in the last 30 days. Open an order to buy the leads that match your price and filters."
      />
      <SearchBar query={query} verticals={verticals} />
      <section className="card">
        <DataTable
          stackOnPhone
          rows={offers}
          testId="marketplace-offers"
          empty={
            isMarketplaceFiltered(query) ? (
              <EmptyState title="No offers match this search">
                <Link to="/advertiser/marketplace">See every offer</Link>
              </EmptyState>
            ) : (
              <EmptyState title="No active offers right now">Check back soon: affiliates publish new offers every day.</EmptyState>
            )
          }
          head={
            <>
              <th>Offer</th>
              <th>Vertical</th>
              <th>Geo</th>
              <th>Price</th>
              <th className="num">Leads, 30 days</th>
              <th className="num">Acceptance</th>
              <th className="num">Returns</th>
              <th>Exclusivity</th>
              <th>Leads go to</th>
              <th className="num">Return window</th>
              <th>Affiliate</th>
            </>
          }
          row={(o) => (
            <tr key={o.id} data-offer-id={o.id}>
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
              <td className="num" data-label="Leads, 30 days" data-testid="offer-volume">
                {o.stats.volume.toLocaleString("en-US")}
              </td>
              <td className="num" data-label="Acceptance" data-testid="offer-acceptance">
                {rate(o.stats.acceptanceRate)}
              </td>
              <td className="num" data-label="Returns" data-testid="offer-returns">
                {rate(o.stats.returnRate)}
              </td>
              <td data-label="Exclusivity">{o.exclusivity === "EXCLUSIVE" ? "Exclusive" : `Shared (up to ${o.maxBuyers})`}</td>
              <td data-label="Leads go to">{DISTRIBUTION_DESCRIPTIONS[o.distribution]}</td>
              <td className="num" data-label="Return window">
                {o.returnWindowDays} days
              </td>
              <td data-label="Affiliate">{o.affiliateName}</td>
            </tr>
          )}
        />
        <Pager
          page={query.page}
          pageSize={MARKETPLACE_PAGE_SIZE}
          total={total}
          hrefFor={(page) => withParam(location.search, "page", page)}
          label="Marketplace pages"
        />
      </section>
    </>
  );
}
