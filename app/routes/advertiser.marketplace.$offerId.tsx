import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { Field, FormError, SubmitButton } from "~/components/field";
import { centsToInput, humanize } from "~/components/format";
import { OfferTerms } from "~/components/offer-terms";
import { PageHeader } from "~/components/portal-shell";
import { getMarketplaceOffer } from "~/modules/offers/offers.server";
import { createOrderSchema, offerTakesOrders, orderFormToInput, ORDERS_CPL_ONLY_MESSAGE } from "~/modules/orders/orders.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { errorFor } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { formFailureFrom, orNotFound, parseForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer.title ?? "Offer"} · Marketplace · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const offer = await orNotFound(getMarketplaceOffer(actor, params.offerId ?? ""));
  return {
    offer: {
      id: offer.id,
      title: offer.title,
      vertical: offer.vertical,
      country: offer.country,
      states: offer.states,
      fields: offer.fields,
      pricingModel: offer.pricingModel,
      priceCents: offer.priceCents,
      salePercentBps: offer.salePercentBps,
      currency: offer.currency,
      exclusivity: offer.exclusivity,
      maxBuyers: offer.maxBuyers,
      returnWindowDays: offer.returnWindowDays,
      affiliateName: offer.affiliate.name,
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = parseForm(await request.formData(), createOrderSchema, { toInput: orderFormToInput });
  if (!form.success) return form.failure;
  try {
    await openOrder(actor, form.data);
  } catch (error) {
    return formFailureFrom(error, form.values);
  }
  return redirect("/advertiser/orders");
}

export default function MarketplaceOffer() {
  const { offer } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/marketplace">← Marketplace</Link>
      </p>
      <PageHeader title={offer.title} description={`By ${offer.affiliateName}`} />
      <div className="grid-2">
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
        <section className="card">
          <h2>Open an order</h2>
          {offerTakesOrders(offer.pricingModel) ? (
            <OrderForm offer={offer} />
          ) : (
            <div className="alert alert-info" data-testid="orders-cpl-only">
              {ORDERS_CPL_ONLY_MESSAGE}.
            </div>
          )}
        </section>
      </div>
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

function OrderForm({ offer }: { offer: { id: string; priceCents: number; currency: string } }) {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  return (
    <>
      <p className="muted small">
        Matching leads are bought at your price from your wallet balance, highest bid first. Contact data is yours once a lead
        is bought.
      </p>
      <Form method="post" className="form" noValidate>
        <FormError error={actionData?.formError ?? errors.offerId} />
        <input type="hidden" name="offerId" value={offer.id} />
        <Field
          name="price"
          label="Your price per lead (USD)"
          inputMode="decimal"
          required
          defaultValue={values?.price ?? centsToInput(offer.priceCents)}
          error={errors.priceCents}
          hint={`At least the offer's price, ${formatMoney(offer.priceCents, offer.currency)}.`}
        />
        <Field
          name="dailyCap"
          label="Daily cap (leads)"
          type="number"
          min={1}
          defaultValue={values?.dailyCap}
          error={errors.dailyCap}
          hint="Leave empty for no cap."
        />
        <Field
          name="states"
          label="Only these states"
          defaultValue={values?.states}
          error={errorFor(errors, "filters.states")}
          hint="Comma-separated, e.g. CA, NV. Empty: every state the offer covers."
        />
        <Field
          name="postalCodePrefixes"
          label="Only these postal code prefixes"
          defaultValue={values?.postalCodePrefixes}
          error={errorFor(errors, "filters.postalCodePrefixes")}
          hint="Comma-separated, e.g. 941, 900."
        />
        <SubmitButton className="button button-block">Open order</SubmitButton>
      </Form>
    </>
  );
}
