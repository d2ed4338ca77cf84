import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Field, FieldError, FormError, SubmitButton } from "~/components/field";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { conversionRuleFormSchema, tryConversionRulesFormSchema } from "~/modules/conversions/conversion-rules";
import { MAX_CONVERSION_RULES, MAX_HOLD_HOURS } from "~/modules/conversions/conversion-rules.constants";
import {
  deleteOwnConversionRule,
  listOwnConversionRules,
  moveOwnConversionRule,
  saveOwnConversionRule,
  tryOwnConversionRules,
} from "~/modules/conversions/conversion-rules.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import {
  conversionRuleIdSchema,
  conversionRuleEditQuerySchema,
  conversionRuleMoveFormSchema,
  conversionRuleDeleteFormSchema,
} from "~/modules/conversions/conversion-rules";

export const meta: MetaFunction = () => [{ title: "Conversion rules · Leadex" }];

const PAGE = "/advertiser/conversions/rules";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const { edit } = conversionRuleEditQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const rules = await listOwnConversionRules(actor);
  return { rules, editing: rules.find((r) => r.id === edit) ?? null };
}

/** intent=save (a new rule, or `ruleId`'s), move, delete: back to the list with what happened; intent=try: the sample's verdicts. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "save") {
    return handleForm(form, conversionRuleFormSchema, async (data, values) => {
      const ruleId = values.ruleId ? conversionRuleIdSchema.parse(values.ruleId) : undefined;
      const rule = await saveOwnConversionRule(actor, data, ruleId);
      const after = !ruleId && rule.position > 1 ? ", tried after the rules above it" : "";
      return redirectWithFlash(PAGE, `Rule saved: “${rule.name}” is rule ${rule.position}${after}.`);
    });
  }
  if (intent === "move") {
    return handleForm(form, conversionRuleMoveFormSchema, async ({ ruleId, direction }) => {
      const rule = await moveOwnConversionRule(actor, ruleId, direction);
      return redirectWithFlash(PAGE, `Rule moved: “${rule.name}” is now rule ${rule.position}.`);
    });
  }
  if (intent === "delete") {
    return handleForm(form, conversionRuleDeleteFormSchema, async ({ ruleId }) => {
      const rule = await deleteOwnConversionRule(actor, ruleId);
      return redirectWithFlash(PAGE, `Rule deleted: “${rule.name}”.`);
    });
  }
  if (intent === "try") {
    return handleForm(form, tryConversionRulesFormSchema, async (data, values) => ({ tried: await tryOwnConversionRules(actor, data), sample: values }));
  }
  throw new Response("Unknown intent", { status: 400 });
}

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

function RuleButton({
  ruleId,
  intent,
  children,
  danger,
  extra,
}: {
  ruleId: string;
  intent: string;
  children: string;
  danger?: boolean;
  extra?: [string, string];
}) {
  return (
    <Form method="post" action={PAGE}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="ruleId" value={ruleId} />
      {extra ? <input type="hidden" name={extra[0]} value={extra[1]} /> : null}
      <button type="submit" className={`button button-small ${danger ? "button-danger" : "button-ghost"}`}>
        {children}
      </button>
    </Form>
  );
}

export default function ConversionRules() {
  const { rules, editing } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // A new key after each answer empties the form once a rule is saved (a refused one refills from what was typed).
  const location = useLocation();
  const failure = actionData && "errors" in actionData ? actionData : null;
  const tried = actionData && "tried" in actionData ? (actionData.tried ?? null) : null;
  const triedSample = actionData && "sample" in actionData ? actionData.sample : null;

  const failedIntent = failure?.values?.intent;
  const ruleFailure = failedIntent === "save" ? failure : null;
  const tryFailure = failedIntent === "try" ? failure : null;
  // After a refused save the form shows what was typed; otherwise the rule being edited, or a new one.
  const editedId = ruleFailure ? (ruleFailure.values?.ruleId ?? "") : (editing?.id ?? "");
  const edited = rules.find((r) => r.id === editedId) ?? null;
  const typed = ruleFailure?.values;
  const chosenAction = typed?.action ?? edited?.action.type ?? "approve";
  const sample: Record<string, string | undefined> = triedSample ?? tryFailure?.values ?? {};

  return (
    <>
      <PageHeader
        title="Conversion rules"
        description="Decide incoming conversions automatically. Rules are tried in order and the first that matches approves, rejects (with your reason) or holds the conversion; one no rule matches stays pending until its lock period ends."
        actions={
          <Link to="/advertiser/conversions/report" className="button button-ghost">
            Conversion report
          </Link>
        }
      />
      {failure && !ruleFailure && !tryFailure ? <FormError error={failure.formError ?? "That change could not be made."} /> : null}

      <section className="card">
        <h2>{`Your rules (${rules.length})`}</h2>
        <DataTable
          rows={rules}
          testId="conversion-rules"
          stackOnPhone
          empty={
            <EmptyState title="No rules yet">
              Every conversion stays pending until its lock period ends. Add a rule below to approve, reject or hold some of them.
            </EmptyState>
          }
          head={
            <>
              <th className="num">#</th>
              <th>Name</th>
              <th>Condition</th>
              <th>Then</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </>
          }
          row={(rule) => (
            <tr key={rule.id} id={`rule-${rule.id}`}>
              <td className="num" data-label="#">
                {rule.position}
              </td>
              <td data-label="Name">{rule.name}</td>
              <td data-label="Condition">
                <code className="rule-condition">{rule.condition}</code>
                {rule.readAs ? <div className="small muted">Read as: {rule.readAs}</div> : null}
              </td>
              <td data-label="Then">{rule.actionText}</td>
              <td data-label="Change">
                <div className="row-actions">
                  <Link to={`${PAGE}?edit=${encodeURIComponent(rule.id)}#rule-form`} className="button button-small button-ghost">
                    Edit
                  </Link>
                  {rule.position > 1 ? (
                    <RuleButton ruleId={rule.id} intent="move" extra={["direction", "up"]}>
                      Move up
                    </RuleButton>
                  ) : null}
                  {rule.position < rules.length ? (
                    <RuleButton ruleId={rule.id} intent="move" extra={["direction", "down"]}>
                      Move down
                    </RuleButton>
                  ) : null}
                  <RuleButton ruleId={rule.id} intent="delete" danger>
                    Delete
                  </RuleButton>
                </div>
              </td>
            </tr>
          )}
        />
      </section>

      <section className="card" id="rule-form">
        <h2>{edited ? `Edit rule ${edited.position}: ${edited.name}` : "Add a rule"}</h2>
        {!edited && rules.length >= MAX_CONVERSION_RULES ? (
          <p className="alert alert-warning">You have {MAX_CONVERSION_RULES} rules, the most there may be: delete or combine some to add another.</p>
        ) : null}
        <Form method="post" action={PAGE} className="form form-wide" noValidate key={`${edited?.id ?? "new"}-${location.key}`}>
          <input type="hidden" name="intent" value="save" />
          {edited ? <input type="hidden" name="ruleId" value={edited.id} /> : null}
          <FormError error={ruleFailure?.formError} />
          <Field name="name" label="Name" defaultValue={typed?.name ?? edited?.name ?? ""} error={ruleFailure?.errors.name} maxLength={80} />
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
              aria-invalid={ruleFailure?.errors.condition ? true : undefined}
              aria-describedby={ruleFailure?.errors.condition ? "f-condition-error f-condition-hint" : "f-condition-hint"}
            />
            <FieldError id="f-condition-error" error={ruleFailure?.errors.condition} />
            <ErrorCaret condition={typed?.condition ?? ""} error={ruleFailure?.errors.condition} />
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
          <fieldset className="fieldset" aria-describedby={ruleFailure?.errors.action ? "f-action-error" : undefined}>
            <legend>Then</legend>
            <div className="rule-actions">
              <label className="choice">
                <input type="radio" name="action" value="approve" defaultChecked={chosenAction === "approve"} />
                <span>
                  <strong>Approve</strong>
                  <small>billed at once and approved</small>
                </span>
              </label>
              <label className="choice">
                <input type="radio" name="action" value="reject" defaultChecked={chosenAction === "reject"} />
                <span>
                  <strong>Reject</strong>
                  <small>not billed; your reason is shown with it</small>
                </span>
              </label>
              <label className="choice">
                <input type="radio" name="action" value="hold" defaultChecked={chosenAction === "hold"} />
                <span>
                  <strong>Hold</strong>
                  <small>billed when the hold ends</small>
                </span>
              </label>
            </div>
            <FieldError id="f-action-error" error={ruleFailure?.errors.action} />
            <div className="form-row">
              <Field
                name="reason"
                label="Reason (to reject)"
                defaultValue={typed?.reason ?? (edited?.action.type === "reject" ? edited.action.reason : "")}
                error={ruleFailure?.errors.reason}
                maxLength={200}
              />
              <Field
                name="hours"
                label="Hours (to hold)"
                inputMode="numeric"
                defaultValue={typed?.hours ?? (edited?.action.type === "hold" ? String(edited.action.hours) : "")}
                error={ruleFailure?.errors.hours}
                hint={`1 to ${MAX_HOLD_HOURS} (30 days)`}
              />
            </div>
          </fieldset>
          <div className="form-actions">
            <SubmitButton>{edited ? "Save rule" : "Add rule"}</SubmitButton>
            {edited ? (
              <Link to={PAGE} className="button button-ghost">
                Cancel
              </Link>
            ) : null}
          </div>
        </Form>
      </section>

      <section className="card" id="try">
        <h2>Try your rules</h2>
        <p className="muted">Fill in a conversion as it could arrive and see which rule would decide it. Nothing is saved or billed.</p>
        <Form method="post" action={`${PAGE}#try`} className="form" noValidate>
          <input type="hidden" name="intent" value="try" />
          <div className="form-row">
            <Field
              name="sale_amount"
              label="sale_amount"
              defaultValue={sample.sale_amount ?? ""}
              error={tryFailure?.errors.sale_amount}
              placeholder="e.g. 640.00"
            />
            <Field name="event" label="event" defaultValue={sample.event ?? ""} placeholder="e.g. funded" />
          </div>
          <div className="form-row sample-row">
            {(["s1", "s2", "s3", "s4", "s5"] as const).map((name) => (
              <Field key={name} name={name} label={name} defaultValue={sample[name] ?? ""} error={tryFailure?.errors[name]} />
            ))}
          </div>
          <div className="form-row sample-row">
            {(["adv1", "adv2", "adv3", "adv4", "adv5"] as const).map((name) => (
              <Field key={name} name={name} label={name} defaultValue={sample[name] ?? ""} error={tryFailure?.errors[name]} />
            ))}
          </div>
          <div className="form-actions">
            <SubmitButton className="button button-ghost">Try</SubmitButton>
          </div>
        </Form>
        {tried ? (
          <div className="rule-verdict" role="status" data-testid="rule-verdict">
            <p>
              <strong>
                {tried.decision
                  ? `Rule "${tried.decision.rule}" decides: ${
                      tried.decision.action === "approve"
                        ? "approve"
                        : tried.decision.action === "reject"
                          ? `reject (${tried.decision.reason})`
                          : `hold ${tried.decision.hours} h`
                    }.`
                  : "No rule matches: the conversion would stay pending."}
              </strong>
            </p>
            {tried.verdicts.length > 0 ? (
              <ol className="small">
                {tried.verdicts.map((v) => (
                  <li key={v.id}>
                    {`${v.name}: ${v.decides ? "matches, decides" : v.matches ? "matches, but an earlier rule decides" : v.readable ? "does not match" : "cannot be read"}`}
                  </li>
                ))}
              </ol>
            ) : null}
          </div>
        ) : null}
      </section>
    </>
  );
}
