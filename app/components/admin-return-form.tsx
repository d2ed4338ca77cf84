import { Form } from "@remix-run/react";
import { RETURN_REASON_CODES, RETURN_REASON_LABELS } from "~/modules/disputes/disputes.constants";
import { formatMoney } from "~/utils/money";
import { FieldError, FormError } from "./field";
import { formatDateTime } from "./format";

/** What a failed return answered: the errors by field and what was typed. */
export interface AdminReturnFailure {
  errors: Record<string, string>;
  formError?: string;
  values?: Record<string, string>;
}

/**
 * The admin returns a lead on one buyer's behalf (intent "return"): the reason, a note, and the
 * reason for each override of the return window or the order's cap.
 */
export function AdminReturnForm({
  sale,
  failure,
}: {
  sale: { id: string; advertiserName: string; priceCents: number; currency: string; soldAt: string | Date };
  failure?: AdminReturnFailure;
}) {
  const id = (name: string) => `r-${sale.id}-${name}`;
  return (
    <Form method="post" className="form form-wide" aria-labelledby={id("title")}>
      <h3 id={id("title")}>Return for this buyer: {sale.advertiserName}</h3>
      <p className="muted small">
        Bought for {formatMoney(sale.priceCents, sale.currency)} on {formatDateTime(sale.soldAt)}. Past the return window or the order&apos;s cap only with the
        reason for each override; everything is audited.
      </p>
      <FormError error={failure?.formError ?? failure?.errors.lead_id} />
      <input type="hidden" name="intent" value="return" />
      <input type="hidden" name="saleId" value={sale.id} />
      <div className="field">
        <label htmlFor={id("reason")}>Reason</label>
        <select id={id("reason")} name="reason" defaultValue={failure?.values?.reason ?? ""} required>
          <option value="">Choose…</option>
          {RETURN_REASON_CODES.map((code) => (
            <option key={code} value={code}>
              {RETURN_REASON_LABELS[code]}
            </option>
          ))}
        </select>
        <FieldError error={failure?.errors.reason} />
      </div>
      <div className="field">
        <label htmlFor={id("note")}>Note</label>
        <textarea id={id("note")} name="note" maxLength={2000} defaultValue={failure?.values?.note} />
        <FieldError error={failure?.errors.note} />
      </div>
      <div className="field">
        <label htmlFor={id("window")}>Override the return window because</label>
        <input id={id("window")} name="override_window" maxLength={500} defaultValue={failure?.values?.override_window} />
        <FieldError error={failure?.errors.override_window} />
      </div>
      <div className="field">
        <label htmlFor={id("cap")}>Override the order&apos;s return cap because</label>
        <input id={id("cap")} name="override_cap" maxLength={500} defaultValue={failure?.values?.override_cap} />
        <FieldError error={failure?.errors.override_cap} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button">
          Return for this buyer
        </button>
      </div>
    </Form>
  );
}
