import type { ReactNode } from "react";
import { Form } from "@remix-run/react";
import {
  CUSTOM_FIELD_ROWS,
  DISTRIBUTIONS,
  eventRowIndexes,
  formRowCount,
  LEAD_FIELD_TYPES,
  PHONE_TYPES,
  STANDARD_FIELDS,
  VERTICALS,
} from "~/modules/offers/offers.constants";
import type { OfferQualityRules } from "~/modules/quality/quality.schema";
import { errorFor, formBinding } from "~/utils/forms";
import { Field, FieldError, FormError, NumberFields, SelectField, SubmitButton, type NumberFieldSpec } from "./field";
import { humanize } from "./format";

// The offer form, shared by "New offer" and "Edit offer": the leads, quality rules, price and terms.
// `values` are what the server answered with (after an error) or the offer's own (edit).

const FIELD_DEFAULTS: Record<string, "none" | "optional" | "required"> = {
  first_name: "required",
  last_name: "optional",
  email: "required",
  phone: "required",
  state: "optional",
  postal_code: "optional",
};

const CARRY_OPTIONS = [
  { value: "none", label: "Not carried" },
  { value: "optional", label: "Optional" },
  { value: "required", label: "Required" },
];

const NUMBER_RULES: ReadonlyArray<{ key: keyof OfferQualityRules; label: string; hint: string; max: number }> = [
  { key: "duplicateWindowDays", label: "Duplicate window (days)", hint: "Same person on this offer; 0 = off.", max: 365 },
  { key: "crossOfferDuplicateWindowDays", label: "Cross-offer duplicate window (days)", hint: "Same person on any other offer; 0 = off.", max: 365 },
  { key: "maxLeadsPerAffiliatePerHour", label: "Max leads per hour", hint: "From you on this offer; 0 = no limit.", max: 1_000_000 },
  { key: "maxLeadsPerIpPerDay", label: "Max leads per IP per day", hint: "One consumer IP; 0 = no limit.", max: 100_000 },
  { key: "minFormFillSeconds", label: "Min form-fill time (s)", hint: "Posted as time_on_form; 0 = off.", max: 3600 },
  { key: "acceptScore", label: "Accept from score", hint: "0-100; lower scores are held.", max: 100 },
  { key: "rejectScore", label: "Reject below score", hint: "0-100; 0 = never by score.", max: 100 },
];

const WINDOW_FIELDS: readonly NumberFieldSpec[] = [
  {
    name: "attributionWindowDays",
    label: "Attribution window (days)",
    min: 1,
    max: 365,
    fallback: "30",
    hint: "A conversion counts when it happens within this many days of delivery.",
  },
  {
    name: "lockPeriodDays",
    label: "Lock period (days)",
    min: 0,
    max: 180,
    fallback: "14",
    hint: "A conversion stays pending (the buyer may reverse it) this long, then locks.",
  },
];

const FLAG_RULES: ReadonlyArray<{ key: "requireConsent" | "requireConsentCertificate" | "rejectDisposableEmail" | "rejectRoleEmail"; label: string }> = [
  { key: "requireConsent", label: "Require consent (consent_text and consent_at)" },
  { key: "requireConsentCertificate", label: "Require a consent certificate URL (consent_cert_url)" },
  { key: "rejectDisposableEmail", label: "Reject disposable email domains" },
  { key: "rejectRoleEmail", label: "Reject role accounts (info@, sales@ ...)" },
];

const TYPE_OPTIONS = LEAD_FIELD_TYPES.map((value) => ({ value, label: humanize(value) }));

export interface OfferFormAnswer {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  formError?: string;
}

export function OfferForm({
  answer,
  initial,
  submitLabel,
  defaultRules,
  lockPricingModel = false,
  children,
}: {
  answer?: OfferFormAnswer;
  /** The quality rules' defaults, from the loader (the schema that knows them stays on the server). */
  defaultRules: OfferQualityRules;
  /** The offer's current values (edit); the server's answer wins when there is one. */
  initial?: Record<string, string>;
  submitLabel: string;
  lockPricingModel?: boolean;
  children?: ReactNode;
}) {
  const errors = answer?.errors ?? {};
  const values = answer?.values ?? initial;
  const bind = formBinding({ values, errors });
  const eventRows = eventRowIndexes(values);
  const customRows = formRowCount((name) => values?.[name], "custom", CUSTOM_FIELD_ROWS);
  // Errors about the event list as a whole (none given, a code twice), not about one row.
  const eventsError = errors.conversionEvents;
  const phoneTypes = (values?.["qualityRules.allowedPhoneTypes"] ?? "").split(",");
  return (
    <Form method="post" className="form card form-wide" noValidate>
      {children}
      <FormError error={answer?.formError} />

      <h2>The leads</h2>
      <Field {...bind("title")} label="Title" required placeholder="Auto insurance quotes, California" />
      <div className="form-row">
        <SelectField
          {...bind("vertical", { fallback: "insurance" })}
          label="Vertical"
          options={VERTICALS.map((value) => ({ value, label: humanize(value) }))}
        />
        <Field {...bind("country", { fallback: "US" })} label="Country" maxLength={2} hint="Two-letter code." />
      </div>
      <Field {...bind("states")} label="States" hint="Comma-separated two-letter codes, e.g. CA, TX. Leave empty for the whole country." />

      <fieldset className="fieldset" aria-describedby={errorFor(errors, "fields") ? "f-fields-error" : undefined}>
        <legend>Fields each lead carries</legend>
        <p className="hint">An offer must carry an email or a phone field.</p>
        <div className="field-grid">
          {STANDARD_FIELDS.map((f) => (
            <SelectField
              key={f.name}
              name={`field_${f.name}`}
              label={f.label}
              defaultValue={values ? (values[`field_${f.name}`] ?? "none") : (FIELD_DEFAULTS[f.name] ?? "none")}
              options={CARRY_OPTIONS}
            />
          ))}
        </div>
        <h3>Custom fields</h3>
        <p className="hint">
          Anything else each lead carries. Enum: list the allowed values, comma-separated. Number and date: an optional range (dates as yyyy-mm-dd). String: max
          is the maximum length.
        </p>
        <input type="hidden" name="customRows" value={customRows} />
        {Array.from({ length: customRows }, (_, i) => (
          <div className="form-row custom-field-row" key={i}>
            <Field {...bind(`custom_${i}_name`)} label="Name" placeholder={i === 0 ? "coverage_type" : ""} />
            <SelectField {...bind(`custom_${i}_type`, { fallback: "string" })} label="Type" options={TYPE_OPTIONS} />
            <SelectField {...bind(`custom_${i}_required`, { fallback: "optional" })} label="Carried" options={CARRY_OPTIONS.slice(1)} />
            <Field {...bind(`custom_${i}_options`)} label="Options (enum)" />
            <Field {...bind(`custom_${i}_min`)} label="Min" />
            <Field {...bind(`custom_${i}_max`)} label="Max" />
          </div>
        ))}
        <FieldError id="f-fields-error" error={errorFor(errors, "fields")} />
      </fieldset>

      <h2>Quality rules</h2>
      <input type="hidden" name="qualityRules.shown" value="1" />
      <NumberFields
        bind={bind}
        fields={NUMBER_RULES.map((r) => ({
          name: `qualityRules.${r.key}`,
          label: r.label,
          min: 0,
          max: r.max,
          hint: r.hint,
          fallback: String(defaultRules[r.key]),
        }))}
      />
      <fieldset className="fieldset">
        <legend>Checks</legend>
        {FLAG_RULES.map((r) => (
          <label className="checkbox-line" key={r.key}>
            <input type="checkbox" name={`qualityRules.${r.key}`} defaultChecked={values ? values[`qualityRules.${r.key}`] === "on" : defaultRules[r.key]} />{" "}
            {r.label}
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset">
        <legend>Phone types taken</legend>
        <p className="hint">None ticked: any valid number. Most US numbers are “fixed line or mobile” and pass as either.</p>
        {PHONE_TYPES.map((type) => (
          <label className="checkbox-line" key={type}>
            <input type="checkbox" name="qualityRules.allowedPhoneTypes" value={type} defaultChecked={phoneTypes.includes(type)} /> {humanize(type)}
          </label>
        ))}
        <FieldError error={errorFor(errors, "qualityRules.allowedPhoneTypes")} />
      </fieldset>
      <SelectField
        {...bind("distribution", { fallback: "BEST_PRICE" })}
        label="Distribution among buyers"
        options={DISTRIBUTIONS.map((value) => ({ value, label: humanize(value) }))}
        hint="Best price first, by the buyers' priority, weighted at random, or in turn."
      />

      <h2>Price and terms</h2>
      <div className="form-row">
        <SelectField
          {...bind("pricingModel", { fallback: "CPL" })}
          disabled={lockPricingModel}
          label="Pricing model"
          options={[
            { value: "CPL", label: "CPL — per lead" },
            { value: "CPA", label: "CPA — per action" },
            { value: "CPS", label: "CPS — per sale" },
          ]}
          hint={
            lockPricingModel
              ? "Fixed once published: create a new offer for another pricing model."
              : "CPA and CPS leads are delivered free; the buyer pays when it reports an action or a sale."
          }
        />
        {lockPricingModel ? <input type="hidden" name="pricingModel" value={values?.pricingModel ?? "CPL"} /> : null}
        <Field
          {...bind("price", { error: "priceCents" })}
          label="Price (USD)"
          inputMode="decimal"
          hint="CPL: per lead. CPA: per action, when you list no events below. CPS: a fixed amount per sale (with or without a share)."
          placeholder="25.00"
        />
      </div>

      <fieldset className="fieldset" aria-describedby={eventsError ? "f-conversionEvents-error" : undefined}>
        <legend>CPA: billable events</legend>
        <p className="hint">
          The actions a buyer pays for, each with its payout, e.g. <code>application</code> $15 and <code>funded</code> $120. Codes are lower-case letters,
          digits and _. No event listed: one event, <code>action</code>, paying the price above. Leave the rows you do not need empty.
        </p>
        <input type="hidden" name="eventRows" value={eventRows.length} />
        {Array.from({ length: eventRows.length }, (_, i) => {
          const at = eventRows[i];
          const rowError = (input: string) => (at === null ? undefined : errorFor(errors, `conversionEvents.${at}.${input}`));
          return (
            <div className="form-row event-row" key={i}>
              <Field
                {...bind(`event_${i}_code`)}
                label={`Event ${i + 1}: code`}
                placeholder={i === 0 ? "application" : i === 1 ? "funded" : ""}
                error={rowError("code")}
              />
              <Field
                {...bind(`event_${i}_label`)}
                label={`Event ${i + 1}: label`}
                placeholder={i === 0 ? "Application sent" : i === 1 ? "Loan funded" : ""}
                error={rowError("label")}
              />
              <Field
                {...bind(`event_${i}_payout`)}
                label={`Event ${i + 1}: payout (USD)`}
                inputMode="decimal"
                placeholder={i === 0 ? "15.00" : i === 1 ? "120.00" : ""}
                error={rowError("payoutCents")}
              />
            </div>
          );
        })}
        <FieldError id="f-conversionEvents-error" error={eventsError} />
      </fieldset>

      <fieldset className="fieldset">
        <legend>CPS: what a sale pays</legend>
        <p className="hint">A share of the sale, a fixed amount per sale (the price above), or both; optionally bounded per sale.</p>
        <div className="form-row">
          <Field
            {...bind("salePercent", { error: "salePercentBps" })}
            label="Share of the sale (%)"
            inputMode="decimal"
            placeholder="10"
            hint="e.g. 10 or 12.5"
          />
          <Field {...bind("saleMin", { error: "saleMinCents" })} label="Minimum per sale (USD)" inputMode="decimal" hint="Empty: none." />
          <Field {...bind("saleMax", { error: "saleMaxCents" })} label="Maximum per sale (USD)" inputMode="decimal" hint="Empty: none." />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>CPA and CPS: windows</legend>
        <NumberFields bind={bind} fields={WINDOW_FIELDS} />
        <label className="checkbox-line">
          <input type="checkbox" name="allowsLockedAdjustments" defaultChecked={values ? values.allowsLockedAdjustments === "on" : false} /> Allow corrections
          after the lock (as adjustments; otherwise the buyer opens a dispute)
        </label>
      </fieldset>

      <div className="form-row">
        <SelectField
          {...bind("exclusivity", { fallback: "EXCLUSIVE" })}
          label="Exclusivity"
          options={[
            { value: "EXCLUSIVE", label: "Exclusive — one buyer" },
            { value: "SHARED", label: "Shared — several buyers" },
          ]}
        />
        <Field {...bind("maxBuyers", { fallback: "1" })} label="Max buyers" type="number" min={1} max={10} hint="Shared offers: 2 to 10." />
        <Field {...bind("returnWindowDays", { fallback: "7" })} label="Return window (days)" type="number" min={0} max={60} />
      </div>
      <div className="form-actions">
        <SubmitButton>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}
