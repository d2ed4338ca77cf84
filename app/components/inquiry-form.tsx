import { Form } from "@remix-run/react";
import { INQUIRY_REASON_LABELS } from "~/modules/disputes/conversion-disputes.constants";
import { INQUIRY_REASON_CODES } from "~/modules/disputes/disputes.constants";
import { DisputeEvidenceFields } from "./dispute-answer-form";
import { Field, FieldError, FormError, SelectField, SubmitButton } from "./field";

/** What a failed inquiry answered: the errors by field and what was typed. */
export interface InquiryFormFailure {
  errors: Record<string, string>;
  formError?: string;
  values?: Record<string, string>;
}

/** The affiliate's form for one missing conversion inquiry (intent "inquiry"), with evidence. */
export function InquiryForm({ leadId, maxFileMb, failure }: { leadId: string; maxFileMb: number; failure: InquiryFormFailure | null }) {
  const v = (name: string, fallback = "") => failure?.values?.[name] ?? fallback;
  return (
    <Form method="post" encType="multipart/form-data" className="form form-wide">
      <input type="hidden" name="intent" value="inquiry" />
      <Field name="lead_id" label="Lead id (Leadex's)" required maxLength={64} defaultValue={v("lead_id", leadId)} error={failure?.errors.lead_id} />
      <SelectField
        name="reason"
        label="What happened"
        defaultValue={v("reason", "missing")}
        options={INQUIRY_REASON_CODES.map((code) => ({ value: code, label: INQUIRY_REASON_LABELS[code] }))}
        error={failure?.errors.reason}
      />
      <Field name="order_ref" label="The buyer's order id, if you know it" maxLength={120} defaultValue={v("order_ref")} error={failure?.errors.order_ref} />
      <Field
        name="conversion_id"
        label="The conversion (wrong amount, wrongly rejected)"
        hint="Its id in your conversions list, or the buyer's own id."
        defaultValue={v("conversion_id")}
        error={failure?.errors.conversion_id}
      />
      <Field name="event" label="Event (CPA offers)" maxLength={40} placeholder="funded" defaultValue={v("event")} error={failure?.errors.event} />
      <Field
        name="amount"
        label="Sale amount (CPS offers)"
        inputMode="decimal"
        placeholder="125.50"
        defaultValue={v("amount")}
        error={failure?.errors.amount}
      />
      <Field
        name="occurred_at"
        label="When it happened (UTC)"
        type="datetime-local"
        hint="Required for a conversion that was not tracked."
        defaultValue={v("occurred_at")}
        error={failure?.errors.occurred_at}
      />
      <Field
        name="expected_payout"
        label="The payout you expect"
        inputMode="decimal"
        defaultValue={v("expected_payout")}
        error={failure?.errors.expected_payout}
      />
      <div className="field">
        <label htmlFor="f-note">Note</label>
        <textarea id="f-note" name="note" rows={3} maxLength={2000} defaultValue={v("note")} />
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
