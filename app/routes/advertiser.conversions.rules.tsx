import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { ConversionRuleForm } from "~/components/conversion-rule-form";
import { Field, FormError, SubmitButton } from "~/components/field";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { conversionRuleFormSchema, tryConversionRulesFormSchema } from "~/modules/conversions/conversion-rules";
import { MAX_CONVERSION_RULES } from "~/modules/conversions/conversion-rules.constants";
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
        <ConversionRuleForm action={PAGE} key={`${edited?.id ?? "new"}-${location.key}`} edited={edited} failure={ruleFailure} />
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
