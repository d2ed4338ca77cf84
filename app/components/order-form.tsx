import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Field, FieldError, FormError, NumberFields, SelectField, SubmitButton, type NumberFieldSpec } from "~/components/field";
import { centsToInput, humanize } from "~/components/format";
import {
  COMMON_TIME_ZONES,
  DELIVERY_METHOD_LABELS,
  DELIVERY_METHODS,
  FIELD_RULE_OPERATOR_LABELS,
  FIELD_RULE_OPERATORS,
  ORDER_FORM_RULE_ROWS,
  TEMPERATURE_PRICE_INPUTS,
  WEEKDAY_NAMES,
} from "~/modules/orders/orders.schema";
import { TEMPERATURES } from "~/modules/quality/quality.schema";
import { DISTRIBUTION_DESCRIPTIONS, type DistributionValue } from "~/modules/routing/routing.schema";
import { errorFor, formBinding } from "~/utils/forms";
import { formatMoney } from "~/utils/money";

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

const BONUS_SCORE_FIELDS: readonly NumberFieldSpec[] = [
  {
    name: "bonusMinScore",
    error: "pricing.scoreBonus.minScore",
    label: "Score bonus from score",
    min: 0,
    max: 100,
    hint: "e.g. 80: leads scoring 80 or more earn the bonus.",
  },
];

const CAP_FIELDS: readonly NumberFieldSpec[] = [
  { name: "hourlyCap", label: "Leads per hour", min: 1 },
  { name: "dailyCap", label: "Leads per day", min: 1 },
  { name: "monthlyCap", label: "Leads per month", min: 1 },
];

const ROUTING_FIELDS: readonly NumberFieldSpec[] = [
  { name: "priority", label: "Priority", min: 0, max: 1000, fallback: "0", hint: "Offers routed by priority sell to higher numbers first." },
  { name: "weight", label: "Weight", min: 1, max: 1000, fallback: "1", hint: "Offers routed by weight: your share of the leads." },
];

export interface OrderFormOffer {
  id: string;
  priceCents: number;
  currency: string;
  distribution: DistributionValue;
  pricingModel: string;
  reserveCents: number;
}

/** What the action answered after a refused submit: errors per field and what was typed. */
export interface OrderFormAnswer {
  errors?: Record<string, string>;
  formError?: string;
  values?: Record<string, string>;
}

/**
 * The order form, the same to open an order (from an offer) and to edit one: price or reserve,
 * caps, schedule, filters, distribution and delivery. `initial` fills it with an order's settings
 * (orderFormValuesOf); after a refused submit it shows what was typed with the errors.
 */
export function OrderForm({
  offer,
  answer,
  initial,
  submitLabel = "Open order",
  children,
}: {
  offer: OrderFormOffer;
  answer?: OrderFormAnswer | null;
  initial?: Record<string, string>;
  submitLabel?: string;
  /** Extra hidden inputs (e.g. the edit form's intent). */
  children?: ReactNode;
}) {
  const actionData = answer?.values || answer?.errors ? answer : initial ? { values: initial } : undefined;
  const errors = answer?.errors ?? {};
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
        <FormError error={answer?.formError ?? errors.offerId} />
        <input type="hidden" name="offerId" value={offer.id} />
        {children}

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
            <NumberFields bind={bind} fields={BONUS_SCORE_FIELDS}>
              <Field {...bind("bonusExtra", { error: "pricing.scoreBonus.extraCents" })} label={money("Bonus per lead")} inputMode="decimal" />
            </NumberFields>
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
        <NumberFields bind={bind} fields={CAP_FIELDS} />
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
        <NumberFields bind={bind} fields={ROUTING_FIELDS}>
          <SelectField
            {...bind("delivery", { fallback: "PORTAL" })}
            label="Delivery"
            options={DELIVERY_METHODS.map((m) => ({ value: m, label: DELIVERY_METHOD_LABELS[m] }))}
          />
        </NumberFields>
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
        <SubmitButton className="button button-block">{submitLabel}</SubmitButton>
      </Form>
    </>
  );
}
