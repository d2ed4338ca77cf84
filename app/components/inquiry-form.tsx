import { Form } from "@remix-run/react";
import { INQUIRY_REASON_LABELS } from "~/modules/disputes/conversion-disputes.constants";
import { INQUIRY_REASON_CODES } from "~/modules/disputes/disputes.constants";
import { DisputeEvidenceFields } from "./dispute-answer-form";
import { formBinding } from "~/utils/forms";
import { Field, FieldError, FormError, SelectField, SubmitButton } from "./field";

/** What a failed inquiry answered: the errors by field and what was typed. */
export interface InquiryFormFailure {
  errors: Record<string, string>;
  formError?: string;
  values?: Record<string, string>;
}

/** The affiliate's form for one missing conversion inquiry (intent "inquiry"), with evidence. */
export function InquiryForm({ leadId, maxFileMb, failure }: { leadId: string; maxFileMb: number; failure: InquiryFormFailure | null }) {
  const bind = formBinding(failure ?? undefined);
  return (
    <Form method="post" encType="multipart/form-data" className="form form-wide">
      <input type="hidden" name="intent" value="inquiry" />
      <Field {...bind("lead_id", { fallback: leadId })} label="Lead id (Leadex's)" required maxLength={64} />
      <SelectField
        {...bind("reason", { fallback: "missing" })}
        label="What happened"
        options={INQUIRY_REASON_CODES.map((code) => ({ value: code, label: INQUIRY_REASON_LABELS[code] }))}
      />
      <Field {...bind("order_ref")} label="The buyer's order id, if you know it" maxLength={120} />
      <Field
        {...bind("conversion_id")}
        label="The conversion (wrong amount, wrongly rejected)"
        hint="Its id in your conversions list, or the buyer's own id."
      />
      <Field {...bind("event")} label="Event (CPA offers)" maxLength={40} placeholder="funded" />
      <Field {...bind("amount")} label="Sale amount (CPS offers)" inputMode="decimal" placeholder="125.50" />
      <Field {...bind("occurred_at")} label="When it happened (UTC)" type="datetime-local" hint="Required for a conversion that was not tracked." />
      <Field {...bind("expected_payout")} label="The payout you expect" inputMode="decimal" />
      <div className="field">
        <label htmlFor="f-note">Note</label>
        <textarea id="f-note" name="note" rows={3} maxLength={2000} defaultValue={bind("note").defaultValue} />
        <FieldError error={failure?.errors.note} />
      </div>
      <DisputeEvidenceFields errors={failure?.errors} values={failure?.values} maxFileMb={maxFileMb} />
      <FormError error={failure?.formError} />
      <div className="form-actions">
        <SubmitButton>Send the inquiry</SubmitButton>
      </div>
    </Form>
  );
}
