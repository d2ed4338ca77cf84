import { Form } from "@remix-run/react";
import { Field, SubmitButton } from "./field";

/** What a failed form action answered (route-errors.server.ts FormFailure), as the page reads it. */
export interface ReasonFormFailure {
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

/**
 * A one-field form for an admin action that needs a reason (suspend, hold payouts, unlist): the
 * `intent`, the reason and a danger button. Several on one page each get their own field id, and
 * only the one whose intent failed shows the error and what was typed.
 */
export function ReasonForm({
  intent,
  label,
  button,
  hint,
  failure,
}: {
  intent: string;
  label: string;
  button: string;
  hint?: string;
  failure?: ReasonFormFailure | null;
}) {
  const mine = failure?.values?.intent === intent;
  return (
    <Form method="post" className="form">
      <input type="hidden" name="intent" value={intent} />
      <Field
        id={`f-${intent}-reason`}
        name="reason"
        label={label}
        hint={hint}
        required
        minLength={3}
        maxLength={500}
        defaultValue={mine ? failure?.values?.reason : undefined}
        error={mine ? failure?.errors?.reason : undefined}
      />
      <SubmitButton className="button button-danger">{button}</SubmitButton>
    </Form>
  );
}

/** The undoing button of such an action (reinstate, release, relist), with a sentence on what it does. */
export function UndoForm({ intent, button, about }: { intent: string; button: string; about: string }) {
  return (
    <Form method="post" className="form">
      <input type="hidden" name="intent" value={intent} />
      <p>{about}</p>
      <SubmitButton>{button}</SubmitButton>
    </Form>
  );
}
