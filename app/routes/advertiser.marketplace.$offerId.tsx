import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "~/components/field";
import { centsToInput, formatBps, humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { getMarketplaceOffer } from "~/modules/offers/offers.server";
import { createOrderSchema, orderFormToInput } from "~/modules/orders/orders.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { zodFieldErrors } from "~/utils/errors";
import { errorFor, formValues } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { formFailure, formFailureFrom, orNotFound } from "~/utils/route-errors.server";
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
  const form = await request.formData();
  const values = formValues(form);
  const parsed = createOrderSchema.safeParse(orderFormToInput(form));
  if (!parsed.success) return formFailure(zodFieldErrors(parsed.error.issues), undefined, 400, values);
  try {
    await openOrder(actor, parsed.data);
  } catch (error) {
    return formFailureFrom(error, values);
  }
  return redirect("/advertiser/orders");
}

export default function MarketplaceOffer() {
  const { offer } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/marketplace">← Marketplace</Link>
      </p>
      <PageHeader title={offer.title} description={`By ${offer.affiliateName}`} />
      <div className="grid-2">
        <section className="card">
          <h2>Offer</h2>
          <dl className="details">
            <dt>Vertical</dt>
            <dd>{humanize(offer.vertical)}</dd>
            <dt>Geo</dt>
            <dd>
              {offer.country}
              {offer.states.length > 0 ? ` — ${offer.states.join(", ")}` : " — all states"}
            </dd>
            <dt>Price</dt>
            <dd>
              {offer.pricingModel} {formatMoney(offer.priceCents, offer.currency)}
              {offer.pricingModel === "CPS" && offer.salePercentBps ? ` or ${formatBps(offer.salePercentBps)} of the sale` : ""}
            </dd>
            <dt>Exclusivity</dt>
            <dd>{offer.exclusivity === "EXCLUSIVE" ? "Exclusive: each lead goes to one buyer" : `Shared with up to ${offer.maxBuyers} buyers`}</dd>
            <dt>Return window</dt>
            <dd>{offer.returnWindowDays} days</dd>
            <dt>Each lead carries</dt>
            <dd>
              {offer.fields.map((f) => (
                <span key={f.name} className="tag">
                  {humanize(f.name)}
                  {f.required ? "" : " (optional)"}
                </span>
              ))}
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>Open an order</h2>
          <p className="muted small">
            Matching leads are bought at your price from your wallet balance, highest bid first. Contact data is yours once a
            lead is bought.
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
            <button type="submit" className="button button-block" disabled={navigation.state === "submitting"}>
              Open order
            </button>
          </Form>
        </section>
      </div>
    </>
  );
}
