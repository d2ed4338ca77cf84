import { Form, Link } from "@remix-run/react";
import { MAX_HOLD_HOURS } from "~/modules/conversions/conversion-rules.constants";
import { Field, FieldError, FormError, SubmitButton } from "./field";

// The form that adds or edits one conversion rule: its name, its condition (with the words it may
// use, and a caret under the column a refused condition names), and what it does to a match.

const FIELD_HELP = [
  ["sale_amount", "the reported sale amount (empty for actions)"],
  ["event", "the action reported, e.g. funded"],
  ["s1 … s5", "the sub-ids the affiliate sent with the lead"],
  ["adv1 … adv5", "your own fields, sent with the conversion"],
] as const;

/** The condition with a caret under the column an error names (single-line conditions only). */
function ErrorCaret({ condition, error }: { condition: string; error?: string }) {
  const column = error ? / at column (\d+)/.exec(error)?.[1] : undefined;
  if (!column || condition.includes("\n") || condition.length > 300) return null;
  return (
    <pre className="rule-caret" aria-hidden="true">
      {condition}
      {"\n"}
      {" ".repeat(Number(column) - 1)}^
    </pre>
  );
}

const RULE_ACTIONS = [
  { value: "approve", label: "Approve", meaning: "billed at once and approved" },
  { value: "reject", label: "Reject", meaning: "not billed; your reason is shown with it" },
  { value: "hold", label: "Hold", meaning: "billed when the hold ends" },
] as const;

/** A saved rule as the form fills it in. */
export interface EditedConversionRule {
  id: string;
  position: number;
  name: string;
  condition: string;
  action: { type: "approve" } | { type: "reject"; reason: string } | { type: "hold"; hours: number };
}

/** Adds a rule, or edits `edited`; after a refused save, `failure` holds what was typed and why. */
export function ConversionRuleForm({
  action,
  edited,
  failure,
}: {
  action: string;
  edited: EditedConversionRule | null;
  failure: { errors: Record<string, string>; formError?: string; values?: Record<string, string> } | null;
}) {
  const typed = failure?.values;
  const chosenAction = typed?.action ?? edited?.action.type ?? "approve";
  return (
    <Form method="post" action={action} className="form form-wide" noValidate>
      <input type="hidden" name="intent" value="save" />
      {edited ? <input type="hidden" name="ruleId" value={edited.id} /> : null}
      <FormError error={failure?.formError} />
      <Field name="name" label="Name" defaultValue={typed?.name ?? edited?.name ?? ""} error={failure?.errors.name} maxLength={80} />
      <div className="field">
        <label htmlFor="f-condition">Condition</label>
        <textarea
          id="f-condition"
          name="condition"
          rows={3}
          spellCheck={false}
          className="rule-condition-input"
          defaultValue={typed?.condition ?? edited?.condition ?? ""}
          placeholder='sale_amount > 500 and (event = funded or adv1 = "vip") and not s2 in (spam, test)'
          aria-invalid={failure?.errors.condition ? true : undefined}
          aria-describedby={failure?.errors.condition ? "f-condition-error f-condition-hint" : "f-condition-hint"}
        />
        <FieldError id="f-condition-error" error={failure?.errors.condition} />
        <ErrorCaret condition={typed?.condition ?? ""} error={failure?.errors.condition} />
        <div className="hint" id="f-condition-hint">
          <p>
            Compare a field with <code>=</code> <code>!=</code> <code>&gt;</code> <code>&gt;=</code> <code>&lt;</code> <code>&lt;=</code>,{" "}
            <code>in (a, b)</code>, <code>contains</code> or <code>is empty</code>; combine with <code>and</code>, <code>or</code>, <code>not</code> and
            parentheses (<code>not</code> binds first, then <code>and</code>, then <code>or</code>). Text compares without regard to case; put values with
            spaces in quotes.
          </p>
          <ul className="rule-fields">
            {FIELD_HELP.map(([field, meaning]) => (
              <li key={field}>
                <code>{field}</code> {meaning}
              </li>
            ))}
          </ul>
        </div>
      </div>
      <fieldset className="fieldset" aria-describedby={failure?.errors.action ? "f-action-error" : undefined}>
        <legend>Then</legend>
        <div className="rule-actions">
          {RULE_ACTIONS.map((choice) => (
            <label className="choice" key={choice.value}>
              <input type="radio" name="action" value={choice.value} defaultChecked={chosenAction === choice.value} />
              <span>
                <strong>{choice.label}</strong>
                <small>{choice.meaning}</small>
              </span>
            </label>
          ))}
        </div>
        <FieldError id="f-action-error" error={failure?.errors.action} />
        <div className="form-row">
          <Field
            name="reason"
            label="Reason (to reject)"
            defaultValue={typed?.reason ?? (edited?.action.type === "reject" ? edited.action.reason : "")}
            error={failure?.errors.reason}
            maxLength={200}
          />
          <Field
            name="hours"
            label="Hours (to hold)"
            inputMode="numeric"
            defaultValue={typed?.hours ?? (edited?.action.type === "hold" ? String(edited.action.hours) : "")}
            error={failure?.errors.hours}
            hint={`1 to ${MAX_HOLD_HOURS} (30 days)`}
          />
        </div>
      </fieldset>
      <div className="form-actions">
        <SubmitButton>{edited ? "Save rule" : "Add rule"}</SubmitButton>
        {edited ? (
          <Link to={action} className="button button-ghost">
            Cancel
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
