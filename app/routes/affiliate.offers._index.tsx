import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { SearchStatusFilterBar } from "~/components/filter-bar";
import { OwnOfferTable } from "~/components/own-offer-table";
import { PageHeader } from "~/components/portal-shell";
import { OFFER_STATUSES } from "~/modules/offers/offers.constants";
import { ownOfferListFilterSchema } from "~/modules/offers/offers.schema";
import { ownOfferListView } from "~/modules/offers/own-offer-views.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Offers · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const filter = ownOfferListFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await ownOfferListView(actor, filter)) };
}

export default function AffiliateOffers() {
  const { offers, nextCursor, filter } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const filtered = Boolean(filter.q || filter.status);
  return (
    <>
      <PageHeader
        title="Offers"
        description="Your offers, newest first, with what each pays you after the platform fee. Open one to edit, pause or archive it."
        actions={
          <Link to="/affiliate/offers/new" className="button">
            New offer
          </Link>
        }
      />
      <SearchStatusFilterBar filter={filter} placeholder="Offer title" statuses={OFFER_STATUSES} clearTo="/affiliate/offers" />
      <section className="card">
        <OwnOfferTable offers={offers} filtered={filtered} />
        <CursorPager search={search} nextCursor={nextCursor} label="Offer pages" />
      </section>
    </>
  );
}
