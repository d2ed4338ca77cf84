import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { Field, FieldError, FormError, SelectField, SubmitButton } from "~/components/field";
import { centsToInput, humanize } from "~/components/format";
import { OfferTerms } from "~/components/offer-terms";
import { PageHeader } from "~/components/portal-shell";
import { getMarketplaceOffer } from "~/modules/offers/offers.server";
import {
  COMMON_TIME_ZONES,
  createOrderSchema,
  DELIVERY_METHOD_LABELS,
  DELIVERY_METHODS,
  FIELD_RULE_OPERATOR_LABELS,
  FIELD_RULE_OPERATORS,
  offerTakesOrders,
  ORDER_FORM_RULE_ROWS,
  orderFormToInput,
  orderFormValues,
  ORDERS_CPL_ONLY_MESSAGE,
  TEMPERATURE_PRICE_INPUTS,
  WEEKDAY_NAMES,
} from "~/modules/orders/orders.schema";
import { TEMPERATURES } from "~/modules/quality/quality.schema";
import { DISTRIBUTION_DESCRIPTIONS, type DistributionValue } from "~/modules/routing/routing.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { errorFor } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { zodFieldErrors } from "~/utils/errors";
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
      distribution: offer.distribution,
      maxBuyers: offer.maxBuyers,
      returnWindowDays: offer.returnWindowDays,
      affiliateName: offer.affiliate.name,
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await request.formData();
  const values = orderFormValues(form);
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
        {offerTakesOrders(offer.pricingModel) ? (
          <OrderForm offer={offer} />
        ) : (
          <div className="alert alert-info" data-testid="orders-cpl-only">
            {ORDERS_CPL_ONLY_MESSAGE}.
          </div>
        )}
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

function CheckboxGroup({
  name,
  legend,
  options,
  checked,
  error,
}: {
  name: string;
  legend: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  checked: readonly string[];
  error?: string;
}) {
  return (
    <fieldset className="fieldset" aria-describedby={error ? `f-${name}-error` : undefined}>
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {options.map((o) => (
          <label key={o.value} className="checkbox">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} /> {o.label}
          </label>
        ))}
      </div>
      <FieldError id={`f-${name}-error`} error={error} />
    </fieldset>
  );
}

const money = (label: string) => `${label} (USD)`;

function OrderForm({ offer }: { offer: { id: string; priceCents: number; currency: string; distribution: DistributionValue } }) {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  const v = (name: string, fallback = "") => values?.[name] ?? fallback;
  const listed = (name: string) => (values?.[name] ?? "").split(",").filter(Boolean);
  return (
    <>
      <p className="muted small">
        Matching leads are bought from your wallet balance at your price for each lead. Contact data is yours once a lead is
        bought. Leave anything empty that you do not need.
      </p>
      <p className="small">
        Leads on this offer go to: <strong>{DISTRIBUTION_DESCRIPTIONS[offer.distribution].toLowerCase()}</strong>.
      </p>
      <Form method="post" className="form form-wide" noValidate>
        <FormError error={actionData?.formError ?? errors.offerId} />
        <input type="hidden" name="offerId" value={offer.id} />

        <h3>Price</h3>
        <div className="form-row">
          <Field
            name="price"
            label={money("Your price per lead")}
            inputMode="decimal"
            required
            defaultValue={v("price", centsToInput(offer.priceCents))}
            error={errors.priceCents}
            hint={`At least the offer's price, ${formatMoney(offer.priceCents, offer.currency)}.`}
          />
          {TEMPERATURES.map((t) => (
            <Field
              key={t}
              name={TEMPERATURE_PRICE_INPUTS[t]}
              label={money(`Price for a ${t.toLowerCase()} lead`)}
              inputMode="decimal"
              defaultValue={v(TEMPERATURE_PRICE_INPUTS[t])}
              error={errorFor(errors, `pricing.temperature.${t}`)}
              hint="Empty: your price per lead."
            />
          ))}
        </div>
        <div className="form-row">
          <Field
            name="bonusMinScore"
            label="Score bonus from score"
            type="number"
            min={0}
            max={100}
            defaultValue={v("bonusMinScore")}
            error={errorFor(errors, "pricing.scoreBonus.minScore")}
            hint="e.g. 80: leads scoring 80 or more earn the bonus."
          />
          <Field
            name="bonusExtra"
            label={money("Bonus per lead")}
            inputMode="decimal"
            defaultValue={v("bonusExtra")}
            error={errorFor(errors, "pricing.scoreBonus.extraCents")}
          />
        </div>

        <h3>Caps</h3>
        <div className="form-row">
          <Field name="hourlyCap" label="Leads per hour" type="number" min={1} defaultValue={v("hourlyCap")} error={errors.hourlyCap} />
          <Field name="dailyCap" label="Leads per day" type="number" min={1} defaultValue={v("dailyCap")} error={errors.dailyCap} />
          <Field name="monthlyCap" label="Leads per month" type="number" min={1} defaultValue={v("monthlyCap")} error={errors.monthlyCap} />
        </div>
        <div className="form-row">
          <Field name="hourlySpendCap" label={money("Spend per hour")} inputMode="decimal" defaultValue={v("hourlySpendCap")} error={errors.hourlySpendCapCents} />
          <Field name="dailySpendCap" label={money("Spend per day")} inputMode="decimal" defaultValue={v("dailySpendCap")} error={errors.dailySpendCapCents} />
          <Field name="monthlySpendCap" label={money("Spend per month")} inputMode="decimal" defaultValue={v("monthlySpendCap")} error={errors.monthlySpendCapCents} />
        </div>

        <h3>Schedule</h3>
        <SelectField
          name="timezone"
          label="Time zone"
          defaultValue={v("timezone", "UTC")}
          options={COMMON_TIME_ZONES.map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))}
          error={errors.timezone}
          hint="Caps count your hours, days and months, and the schedule is read, in this zone."
        />
        <CheckboxGroup
          name="scheduleDays"
          legend="Delivery days"
          options={WEEKDAY_NAMES.map((day, i) => ({ value: String(i + 1), label: day }))}
          checked={listed("scheduleDays")}
          error={errorFor(errors, "schedule.days") ?? errorFor(errors, "schedule")}
        />
        <div className="form-row">
          <Field name="scheduleFrom" label="From" placeholder="09:00" defaultValue={v("scheduleFrom")} error={errorFor(errors, "schedule.from")} />
          <Field
            name="scheduleTo"
            label="To"
            placeholder="17:00"
            defaultValue={v("scheduleTo")}
            error={errorFor(errors, "schedule.to")}
            hint="24-hour times; 22:00 to 06:00 runs overnight. No days: any time."
          />
        </div>

        <h3>Filters</h3>
        <div className="form-row">
          <Field
            name="states"
            label="Only these states"
            defaultValue={v("states")}
            error={errorFor(errors, "filters.states")}
            hint="Comma-separated, e.g. CA, NV. Empty: every state the offer covers."
          />
          <Field
            name="postalCodePrefixes"
            label="Only these postal code prefixes"
            defaultValue={v("postalCodePrefixes")}
            error={errorFor(errors, "filters.postalCodePrefixes")}
            hint="Comma-separated, e.g. 941, 900."
          />
          <Field
            name="minScore"
            label="Minimum quality score"
            type="number"
            min={0}
            max={100}
            defaultValue={v("minScore")}
            error={errorFor(errors, "filters.minScore")}
            hint="0-100. Empty: any score."
          />
        </div>
        <CheckboxGroup
          name="temperatures"
          legend="Only these temperatures (none ticked: all)"
          options={TEMPERATURES.map((t) => ({ value: t, label: humanize(t.toLowerCase()) }))}
          checked={listed("temperatures")}
          error={errorFor(errors, "filters.temperatures")}
        />
        <fieldset className="fieldset">
          <legend>Rules on lead fields</legend>
          {Array.from({ length: ORDER_FORM_RULE_ROWS }, (_, row) => (
            <div className="form-row" key={row}>
              <Field
                name={`rule${row}Field`}
                label="Field"
                placeholder="credit_rating"
                defaultValue={v(`rule${row}Field`)}
                error={errorFor(errors, `filters.rules.${row}.field`)}
              />
              <SelectField
                name={`rule${row}Op`}
                label="Condition"
                defaultValue={v(`rule${row}Op`, "eq")}
                options={FIELD_RULE_OPERATORS.map((op) => ({ value: op, label: FIELD_RULE_OPERATOR_LABELS[op] }))}
                error={errorFor(errors, `filters.rules.${row}.op`)}
              />
              <Field
                name={`rule${row}Value`}
                label="Value"
                placeholder="good, excellent"
                defaultValue={v(`rule${row}Value`)}
                error={errorFor(errors, `filters.rules.${row}.value`) ?? errorFor(errors, `filters.rules.${row}.values`)}
              />
            </div>
          ))}
          <p className="hint">Comma-separate the values for "is one of" and "is none of". Leave a row empty to skip it.</p>
        </fieldset>

        <h3>Distribution and delivery</h3>
        <div className="form-row">
          <Field
            name="priority"
            label="Priority"
            type="number"
            min={0}
            max={1000}
            defaultValue={v("priority", "0")}
            error={errors.priority}
            hint="Offers routed by priority sell to higher numbers first."
          />
          <Field
            name="weight"
            label="Weight"
            type="number"
            min={1}
            max={1000}
            defaultValue={v("weight", "1")}
            error={errors.weight}
            hint="Offers routed by weight: your share of the leads."
          />
          <SelectField
            name="delivery"
            label="Delivery"
            defaultValue={v("delivery", "PORTAL")}
            options={DELIVERY_METHODS.map((m) => ({ value: m, label: DELIVERY_METHOD_LABELS[m] }))}
            error={errors.delivery}
          />
        </div>
        <Field
          name="webhookUrl"
          label="CRM webhook URL"
          type="url"
          placeholder="https://crm.example.com/leads"
          defaultValue={v("webhookUrl")}
          error={errors.webhookUrl}
          hint="Required for webhook delivery; signed with your signing secret."
        />
        <div className="form-row">
          <Field name="pingUrl" label="External buyer: ping URL" type="url" defaultValue={v("pingUrl")} error={errors.pingUrl} hint="Optional: we ask this URL for a bid." />
          <Field name="postUrl" label="External buyer: post URL" type="url" defaultValue={v("postUrl")} error={errors.postUrl} hint="Where a won lead is posted." />
        </div>
        <SubmitButton className="button button-block">Open order</SubmitButton>
      </Form>
    </>
  );
}
