import { Form } from "@remix-run/react";
import { FormError, SubmitButton } from "./field";
import { PageHeader } from "./portal-shell";

/**
 * The header of an admin page whose work runs on a schedule and on demand: a "Run … now" button
 * (intent "run") and what the last action said, a notice or an error.
 */
export function RunNowHeader({ title, description, runLabel, result }: { title: string; description: string; runLabel: string; result: ActionResult }) {
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          <Form method="post">
            <input type="hidden" name="intent" value="run" />
            <SubmitButton>{runLabel}</SubmitButton>
          </Form>
        }
      />
      <ActionOutcome result={result} />
    </>
  );
}

type ActionResult = { notice?: string | null; formError?: string | null } | undefined;

/** What the last form action said: a notice, or an error. */
export function ActionOutcome({ result }: { result: ActionResult }) {
  return (
    <>
      {result?.notice ? (
        <div className="alert alert-success" role="status">
          {result.notice}
        </div>
      ) : null}
      <FormError error={result?.formError ?? undefined} />
    </>
  );
}
