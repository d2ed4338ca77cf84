import { Form } from "@remix-run/react";
import { centsToDecimal } from "~/utils/money";
import { Field, FieldError, FormError } from "./field";

/** Dollars as the form shows them; empty for none. */
const dollars = (cents: number) => (cents > 0 ? centsToDecimal(cents) : "");

/** The billing page's auto-recharge settings: on or off, below what balance, and how much to add. */
export function AutoRechargeForm({
  settings,
  failure,
}: {
  settings: { enabled: boolean; thresholdCents: number; amountCents: number };
  failure: { errors: Record<string, string>; formError?: string; values?: Record<string, string> } | null;
}) {
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="auto-recharge" />
      <FormError error={failure?.formError} />
      <div className="field">
        <label>
          <input
            type="checkbox"
            name="enabled"
            defaultChecked={failure ? failure.values?.enabled === "on" : settings.enabled}
            aria-invalid={failure?.errors.enabled ? true : undefined}
            aria-describedby={failure?.errors.enabled ? "f-enabled-error" : undefined}
          />{" "}
          Recharge my wallet from my saved card when it runs low
        </label>
        <FieldError id="f-enabled-error" error={failure?.errors.enabled} />
      </div>
      <Field
        name="threshold"
        id="f-recharge-threshold"
        label="When the balance falls below (USD)"
        inputMode="decimal"
        required
        placeholder="100.00"
        defaultValue={failure?.values?.threshold ?? dollars(settings.thresholdCents)}
        error={failure?.errors.threshold}
      />
      <Field
        name="amount"
        id="f-recharge-amount"
        label="Add (USD)"
        inputMode="decimal"
        required
        placeholder="500.00"
        defaultValue={failure?.values?.amount ?? dollars(settings.amountCents)}
        error={failure?.errors.amount}
        hint="Between $10 and $100,000, charged once each time the balance falls below the threshold."
      />
      <button type="submit" className="button">
        Save auto-recharge
      </button>
    </Form>
  );
}
