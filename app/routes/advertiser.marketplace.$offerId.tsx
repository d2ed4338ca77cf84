import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { Field, FieldError, FormError, SelectField, SubmitButton } from "~/components/field";
import { centsToInput, humanize } from "~/components/format";
import { OfferTerms } from "~/components/offer-terms";
import { PageHeader } from "~/components/portal-shell";
import { defaultReserveCents } from "~/modules/conversions/conversion-terms";
import { getMarketplaceOffer } from "~/modules/offers/offers.server";
import { createOrderSchema, orderFormToInput, orderFormValues } from "~/modules/orders/orders.schema";
import {
  COMMON_TIME_ZONES,
  DELIVERY_METHOD_LABELS,
  DELIVERY_METHODS,
  FIELD_RULE_OPERATOR_LABELS,
  FIELD_RULE_OPERATORS,
  ORDER_FORM_RULE_ROWS,
  TEMPERATURE_PRICE_INPUTS,
  WEEKDAY_NAMES,
} from "~/modules/orders/orders.constants";
import { TEMPERATURES } from "~/modules/quality/quality.constants";
import { DISTRIBUTION_DESCRIPTIONS, type DistributionValue } from "~/modules/routing/routing.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { errorFor, formBinding } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { zodFieldErrors } from "~/utils/errors";
import { formFailure, formFailureFrom, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { redirectWithFlash } from "~/utils/flash.server";

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
      saleMinCents: offer.saleMinCents,
      saleMaxCents: offer.saleMaxCents,
      conversionEvents: offer.conversionEvents,
      attributionWindowDays: offer.attributionWindowDays,
      lockPeriodDays: offer.lockPeriodDays,
      allowsLockedAdjustments: offer.allowsLockedAdjustments,
      currency: offer.currency,
      exclusivity: offer.exclusivity,
      distribution: offer.distribution,
      maxBuyers: offer.maxBuyers,
      returnWindowDays: offer.returnWindowDays,
      affiliateName: offer.affiliate.name,
      reserveCents: defaultReserveCents(offer),
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const values = orderFormValues(form);
  const parsed = createOrderSchema.safeParse(orderFormToInput(form));
  if (!parsed.success) return formFailure(zodFieldErrors(parsed.error.issues), undefined, 400, values);
  try {
    await openOrder(actor, parsed.data);
  } catch (error) {
    return formFailureFrom(error, values);
  }
  return redirectWithFlash("/advertiser/orders", "Order opened: matching leads are bought for it from now on.");
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
        <OrderForm offer={offer} />
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

function OrderForm({
  offer,
}: {
  offer: { id: string; priceCents: number; currency: string; distribution: DistributionValue; pricingModel: string; reserveCents: number };
}) {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  const bind = formBinding(actionData);
  const listed = (name: string) => (values?.[name] ?? "").split(",").filter(Boolean);
  return (
    <>
      {offer.pricingModel === "CPL" ? (
        <p className="muted small">
          Matching leads are bought from your wallet balance at your price for each lead. Contact data is yours once a lead is bought. Leave anything empty that
          you do not need.
        </p>
      ) : (
        <p className="muted small" data-testid="conversion-terms-note">
          Matching leads are delivered free: you pay per {offer.pricingModel === "CPA" ? "action" : "sale"} you report (API, pixel, CSV or your Stripe), on the
          offer's terms above. Leads are delivered only while your wallet covers the order's reserve.
        </p>
      )}
      <p className="small">
        Leads on this offer go to: <strong>{DISTRIBUTION_DESCRIPTIONS[offer.distribution].toLowerCase()}</strong>.
      </p>
      <Form method="post" className="form form-wide" noValidate>
        <FormError error={actionData?.formError ?? errors.offerId} />
        <input type="hidden" name="offerId" value={offer.id} />

        {offer.pricingModel === "CPL" ? (
          <>
            <h3>Price</h3>
            <div className="form-row">
              <Field
                {...bind("price", { fallback: centsToInput(offer.priceCents), error: "priceCents" })}
                label={money("Your price per lead")}
                inputMode="decimal"
                required
                hint={`At least the offer's price, ${formatMoney(offer.priceCents, offer.currency)}.`}
              />
              {TEMPERATURES.map((t) => (
                <Field
                  key={t}
                  {...bind(TEMPERATURE_PRICE_INPUTS[t], { error: `pricing.temperature.${t}` })}
                  label={money(`Price for a ${t.toLowerCase()} lead`)}
                  inputMode="decimal"
                  hint="Empty: your price per lead."
                />
              ))}
            </div>
            <div className="form-row">
              <Field
                {...bind("bonusMinScore", { error: "pricing.scoreBonus.minScore" })}
                label="Score bonus from score"
                type="number"
                min={0}
                max={100}
                hint="e.g. 80: leads scoring 80 or more earn the bonus."
              />
              <Field {...bind("bonusExtra", { error: "pricing.scoreBonus.extraCents" })} label={money("Bonus per lead")} inputMode="decimal" />
            </div>
          </>
        ) : (
          <>
            <h3>Reserve</h3>
            <Field
              {...bind("reserve", { error: "reserveCents" })}
              label={money("Reserve")}
              inputMode="decimal"
              hint={`Leads are delivered while your wallet holds at least this. Empty: one ${offer.pricingModel === "CPA" ? "action's" : "sale's"} payout, ${formatMoney(offer.reserveCents, offer.currency)}.`}
            />
          </>
        )}

        <h3>Caps</h3>
        <div className="form-row">
          <Field {...bind("hourlyCap")} label="Leads per hour" type="number" min={1} />
          <Field {...bind("dailyCap")} label="Leads per day" type="number" min={1} />
          <Field {...bind("monthlyCap")} label="Leads per month" type="number" min={1} />
        </div>
        {offer.pricingModel === "CPL" ? (
          <div className="form-row">
            <Field {...bind("hourlySpendCap", { error: "hourlySpendCapCents" })} label={money("Spend per hour")} inputMode="decimal" />
            <Field {...bind("dailySpendCap", { error: "dailySpendCapCents" })} label={money("Spend per day")} inputMode="decimal" />
            <Field {...bind("monthlySpendCap", { error: "monthlySpendCapCents" })} label={money("Spend per month")} inputMode="decimal" />
          </div>
        ) : (
          <p className="hint">Leads on these terms cost nothing when delivered: cap them by count; what you pay follows the conversions you report.</p>
        )}

        <h3>Schedule</h3>
        <SelectField
          {...bind("timezone", { fallback: "UTC" })}
          label="Time zone"
          options={COMMON_TIME_ZONES.map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))}
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
          <Field {...bind("scheduleFrom", { error: "schedule.from" })} label="From" placeholder="09:00" />
          <Field
            {...bind("scheduleTo", { error: "schedule.to" })}
            label="To"
            placeholder="17:00"
            hint="24-hour times; 22:00 to 06:00 runs overnight. No days: any time."
          />
        </div>

        <h3>Filters</h3>
        <div className="form-row">
          <Field
            {...bind("states", { error: "filters.states" })}
            label="Only these states"
            hint="Comma-separated, e.g. CA, NV. Empty: every state the offer covers."
          />
          <Field
            {...bind("postalCodePrefixes", { error: "filters.postalCodePrefixes" })}
            label="Only these postal code prefixes"
            hint="Comma-separated, e.g. 941, 900."
          />
          <Field
            {...bind("minScore", { error: "filters.minScore" })}
            label="Minimum quality score"
            type="number"
            min={0}
            max={100}
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
              <Field {...bind(`rule${row}Field`, { error: `filters.rules.${row}.field` })} label="Field" placeholder="credit_rating" />
              <SelectField
                {...bind(`rule${row}Op`, { fallback: "eq", error: `filters.rules.${row}.op` })}
                label="Condition"
                options={FIELD_RULE_OPERATORS.map((op) => ({ value: op, label: FIELD_RULE_OPERATOR_LABELS[op] }))}
              />
              <Field
                {...bind(`rule${row}Value`)}
                label="Value"
                placeholder="good, excellent"
                error={errorFor(errors, `filters.rules.${row}.value`) ?? errorFor(errors, `filters.rules.${row}.values`)}
              />
            </div>
          ))}
          <p className="hint">Comma-separate the values for "is one of" and "is none of". Leave a row empty to skip it.</p>
        </fieldset>

        <h3>Distribution and delivery</h3>
        <div className="form-row">
          <Field
            {...bind("priority", { fallback: "0" })}
            label="Priority"
            type="number"
            min={0}
            max={1000}
            hint="Offers routed by priority sell to higher numbers first."
          />
          <Field
            {...bind("weight", { fallback: "1" })}
            label="Weight"
            type="number"
            min={1}
            max={1000}
            hint="Offers routed by weight: your share of the leads."
          />
          <SelectField
            {...bind("delivery", { fallback: "PORTAL" })}
            label="Delivery"
            options={DELIVERY_METHODS.map((m) => ({ value: m, label: DELIVERY_METHOD_LABELS[m] }))}
          />
        </div>
        <Field
          {...bind("webhookUrl")}
          label="CRM webhook URL"
          type="url"
          placeholder="https://crm.example.com/leads"
          hint="Required for webhook delivery; signed with your signing secret."
        />
        {offer.pricingModel === "CPL" ? (
          <div className="form-row">
            <Field {...bind("pingUrl")} label="External buyer: ping URL" type="url" hint="Optional: we ask this URL for a bid." />
            <Field {...bind("postUrl")} label="External buyer: post URL" type="url" hint="Where a won lead is posted." />
          </div>
        ) : null}
        <SubmitButton className="button button-block">Open order</SubmitButton>
      </Form>
    </>
  );
}
