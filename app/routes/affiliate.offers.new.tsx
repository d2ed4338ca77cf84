import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Field, FieldError, FormError, SelectField, SubmitButton } from "~/components/field";
import { humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { createOfferSchema, offerFormToInput, STANDARD_FIELDS, VERTICALS } from "~/modules/offers/offers.schema";
import { createOffer } from "~/modules/offers/offers.server";
import { errorFor } from "~/utils/forms";
import { formFailureFrom, parseForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "New offer · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["AFFILIATE"]);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const form = parseForm(await request.formData(), createOfferSchema, {
    toInput: offerFormToInput,
    formError: "Please fix the fields marked below.",
  });
  if (!form.success) return form.failure;
  let offer;
  try {
    offer = await createOffer(actor, form.data);
  } catch (error) {
    return formFailureFrom(error, form.values);
  }
  return redirect(`/affiliate/offers/${offer.id}`);
}

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

export default function NewOffer() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  const v = (name: string, fallback = "") => values?.[name] ?? fallback;
  return (
    <>
      <PageHeader title="New offer" description="Describe the leads you will deliver and what one costs." />
      <Form method="post" className="form card form-wide" noValidate>
        <FormError error={actionData?.formError} />

        <h2>The leads</h2>
        <Field name="title" label="Title" required defaultValue={v("title")} error={errors.title} placeholder="Auto insurance quotes, California" />
        <div className="form-row">
          <SelectField
            name="vertical"
            label="Vertical"
            defaultValue={v("vertical", "insurance")}
            options={VERTICALS.map((value) => ({ value, label: humanize(value) }))}
            error={errors.vertical}
          />
          <Field name="country" label="Country" defaultValue={v("country", "US")} maxLength={2} error={errors.country} hint="Two-letter code." />
        </div>
        <Field
          name="states"
          label="States"
          defaultValue={v("states")}
          error={errorFor(errors, "states")}
          hint="Comma-separated two-letter codes, e.g. CA, TX. Leave empty for the whole country."
        />

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
          <FieldError id="f-fields-error" error={errorFor(errors, "fields")} />
        </fieldset>

        <h2>Price and terms</h2>
        <div className="form-row">
          <SelectField
            name="pricingModel"
            label="Pricing model"
            defaultValue={v("pricingModel", "CPL")}
            options={[
              { value: "CPL", label: "CPL — per lead" },
              { value: "CPA", label: "CPA — per action" },
              { value: "CPS", label: "CPS — per sale" },
            ]}
            error={errors.pricingModel}
          />
          <Field
            name="price"
            label="Price (USD)"
            inputMode="decimal"
            required
            defaultValue={v("price")}
            error={errors.priceCents}
            hint="Per lead, per action, or the fixed fee per sale."
            placeholder="25.00"
          />
          <Field
            name="salePercentBps"
            label="Sale share (basis points)"
            type="number"
            min={1}
            max={10000}
            defaultValue={v("salePercentBps")}
            error={errors.salePercentBps}
            hint="CPS only: 1500 = 15% of the sale."
          />
        </div>
        <div className="form-row">
          <SelectField
            name="exclusivity"
            label="Exclusivity"
            defaultValue={v("exclusivity", "EXCLUSIVE")}
            options={[
              { value: "EXCLUSIVE", label: "Exclusive — one buyer" },
              { value: "SHARED", label: "Shared — several buyers" },
            ]}
            error={errors.exclusivity}
          />
          <Field
            name="maxBuyers"
            label="Max buyers"
            type="number"
            min={1}
            max={10}
            defaultValue={v("maxBuyers", "1")}
            error={errors.maxBuyers}
            hint="Shared offers: 2 to 10."
          />
          <Field
            name="returnWindowDays"
            label="Return window (days)"
            type="number"
            min={0}
            max={60}
            defaultValue={v("returnWindowDays", "7")}
            error={errors.returnWindowDays}
          />
        </div>
        <div className="form-actions">
          <SubmitButton>Publish offer</SubmitButton>
        </div>
      </Form>
    </>
  );
}
