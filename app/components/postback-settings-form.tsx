import { Form } from "@remix-run/react";
import { AFFILIATE_POSTBACK_EVENTS, POSTBACK_MACROS } from "~/modules/deliveries/deliveries.constants";
import { Field, FieldError, FormError, SubmitButton } from "./field";

const EVENT_HINTS: Record<(typeof AFFILIATE_POSTBACK_EVENTS)[number], string> = {
  accepted: "passed verification and scoring",
  rejected: "refused, with {reason}",
  sold: "bought, with your {payout}",
  returned: "returned by the buyer",
  converted: "the buyer reported an action or sale, with its {payout}",
  reversed: "the buyer reversed a conversion (refund, cancellation), with the {payout} taken back",
};

/** What a failed save answered: the errors by field and what was typed. */
export interface PostbackSettingsFailure {
  errors: Record<string, string>;
  formError?: string;
  values?: Record<string, string>;
}

/** The affiliate's postback settings (intent "save"): the URL template with its macros, and the events that call it. */
export function PostbackSettingsForm({
  postbackUrl,
  postbackEvents,
  failure,
}: {
  postbackUrl: string | null;
  postbackEvents: readonly string[];
  failure: PostbackSettingsFailure | null;
}) {
  const events = failure?.values ? [] : postbackEvents;
  return (
    <Form method="post" className="form form-wide" noValidate>
      <input type="hidden" name="intent" value="save" />
      <FormError error={failure?.formError} />
      <Field
        name="postbackUrl"
        label="URL template"
        type="url"
        placeholder="https://tracker.example/postback?clickid={s1}&status={status}&payout={payout}"
        defaultValue={failure?.values?.postbackUrl ?? postbackUrl ?? ""}
        maxLength={2000}
        error={failure?.errors.postbackUrl}
        hint="Called with GET. Leave empty to turn postbacks off. Macros are replaced by URL-encoded values."
      />
      <fieldset className="fieldset" aria-describedby={failure?.errors.postbackEvents ? "f-postbackEvents-error" : undefined}>
        <legend>Events</legend>
        <div className="field-grid">
          {AFFILIATE_POSTBACK_EVENTS.map((event) => (
            <label key={event} className="choice">
              <input type="checkbox" name="postbackEvents" value={event} defaultChecked={events.includes(event)} />
              <span>
                <strong>{event}</strong>
                <small>{EVENT_HINTS[event]}</small>
              </span>
            </label>
          ))}
        </div>
        <FieldError id="f-postbackEvents-error" error={failure?.errors.postbackEvents} />
      </fieldset>
      <details>
        <summary>Macros</summary>
        <dl className="details">
          {Object.entries(POSTBACK_MACROS).map(([macro, meaning]) => (
            <div key={macro} className="details-row">
              <dt>
                <code>{`{${macro}}`}</code>
              </dt>
              <dd>{meaning}</dd>
            </div>
          ))}
        </dl>
      </details>
      <div className="form-actions">
        <SubmitButton>Save</SubmitButton>
      </div>
    </Form>
  );
}
