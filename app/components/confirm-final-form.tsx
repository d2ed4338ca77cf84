import { Form, Link } from "@remix-run/react";

/**
 * The form that carries out a final action once the person has read what it does (closing an
 * order, revoking an API key): the action's fields with `confirm=yes`, its danger button, and
 * "Keep it" back to the page without the confirmation. Works without JavaScript.
 */
export function ConfirmFinalForm({ fields, confirmLabel }: { fields: Readonly<Record<string, string>>; confirmLabel: string }) {
  return (
    <Form method="post" className="row-actions confirm-actions">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" className="button button-danger">
        {confirmLabel}
      </button>
      <Link to="." className="button button-ghost">
        Keep it
      </Link>
    </Form>
  );
}
