import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { OwnOfferTable } from "~/components/own-offer-table";
import { PageHeader } from "~/components/portal-shell";
import { listOwnOfferRows } from "~/modules/offers/own-offer-views.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Offers · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return { offers: await listOwnOfferRows(actor) };
}

export default function AffiliateOffers() {
  const { offers } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Offers"
        description="Your offers with what each pays you after the platform fee. Open one to edit, pause or archive it."
        actions={
          <Link to="/affiliate/offers/new" className="button">
            New offer
          </Link>
        }
      />
      <section className="card">
        <OwnOfferTable offers={offers} />
      </section>
    </>
  );
}
