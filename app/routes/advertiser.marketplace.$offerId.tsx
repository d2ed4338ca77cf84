import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { FormError } from "~/components/field";
import { humanize } from "~/components/format";
import { OfferTerms } from "~/components/offer-terms";
import { OrderForm } from "~/components/order-form";
import { WalletWarning } from "~/components/order-funding";
import { PageHeader } from "~/components/portal-shell";
import { marketplaceOfferView } from "~/modules/offers/marketplace-views.server";
import { createOrderSchema, orderFormToInput, orderFormValues } from "~/modules/orders/orders.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer.title ?? "Offer"} · Marketplace · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return orNotFound(marketplaceOfferView(actor, params.offerId ?? ""));
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return handleForm(
    await readForm(request),
    createOrderSchema,
    async (data) => redirectWithFlash(`/advertiser/orders/${(await openOrder(actor, data)).id}`, "Order opened."),
    { toInput: orderFormToInput, values: orderFormValues },
  );
}

export default function MarketplaceOffer() {
  const { offer, funding } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/marketplace">← Marketplace</Link>
      </p>
      <PageHeader title={offer.title} description={`By ${offer.affiliateName}`} />
      <div>
        <section className="card">
          <h2>Offer</h2>
          <OfferTerms offer={offer}>
            <dt>Each lead carries</dt>
            <dd>
              {offer.fields.map((f) => (
                <span key={f.name} className="tag">
                  {humanize(f.name)}
                  {f.required ? "" : " (optional)"}
                </span>
              ))}
            </dd>
          </OfferTerms>
        </section>
      </div>
      <section className="card">
        <h2>Open an order</h2>
        <WalletWarning funding={funding} currency={offer.currency} opening />
        <OrderForm offer={offer} answer={answer} />
      </section>
    </>
  );
}

/**
 * The offer page is gone when the offer was paused while the advertiser filled in the form (the
 * marketplace shows active offers only): say why the order was refused rather than a bare 404.
 */
export function ErrorBoundary() {
  const actionData = useActionData<typeof action>();
  if (actionData?.formError) {
    return (
      <section className="card">
        <h2>No order opened</h2>
        <FormError error={actionData.formError} />
        <p>
          <Link to="/advertiser/marketplace" className="button">
            Back to the marketplace
          </Link>
        </p>
      </section>
    );
  }
  return <RouteErrorView homeHref="/advertiser" />;
}
