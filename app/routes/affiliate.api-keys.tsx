import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CopyButton } from "~/components/copy-button";
import { Field, FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { apiKeyLabelSchema } from "~/modules/accounts/accounts.schema";
import { createApiKey, listApiKeys, revokeApiKey } from "~/modules/accounts/api-keys.server";
import { zodFieldErrors } from "~/utils/errors";
import { formValues } from "~/utils/forms";
import { formFailure, formFailureFrom } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "API keys · Leadex" }];

const revokeSchema = z.object({ id: z.string().min(1) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return { keys: await listApiKeys(actor) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const form = await request.formData();
  const values = formValues(form);
  try {
    if (form.get("intent") === "revoke") {
      const { id } = revokeSchema.parse(Object.fromEntries(form));
      await revokeApiKey(actor, id);
      return { revoked: true as const };
    }
    const parsed = apiKeyLabelSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return formFailure(zodFieldErrors(parsed.error.issues), undefined, 400, values);
    const created = await createApiKey(actor, parsed.data.label);
    // The key in clear exists only in this response: it is never stored or shown again.
    return { created: { id: created.id, key: created.key, label: parsed.data.label } };
  } catch (error) {
    return formFailureFrom(error, values);
  }
}

export default function ApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const created = actionData && "created" in actionData ? actionData.created : null;
  const failure = actionData && "errors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader title="API keys" description="Keys authenticate your lead postbacks. Each key is shown once, when it is created." />

      {created ? (
        <section className="card new-key" role="status" aria-live="polite">
          <h2>New key “{created.label}”</h2>
          <p>
            <strong>Copy it now: it is shown once.</strong> Leadex keeps only a hash, so it cannot show it again. If you lose
            it, revoke it and create another.
          </p>
          <div className="secret">
            <code data-testid="new-api-key">{created.key}</code>
            <CopyButton text={created.key} />
          </div>
        </section>
      ) : null}

      <section className="card">
        <h2>Create a key</h2>
        <Form method="post" className="form form-inline" noValidate>
          <input type="hidden" name="intent" value="create" />
          <FormError error={failure?.formError} />
          <Field
            name="label"
            label="Label"
            required
            maxLength={60}
            placeholder="Production server"
            defaultValue={failure?.values?.label}
            error={failure?.errors.label}
          />
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            Create key
          </button>
        </Form>
      </section>

      <section className="card">
        <h2>Your keys</h2>
        {keys.length === 0 ? (
          <EmptyState title="No keys yet">Create one above to start posting leads.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Label</th>
                  <th>Prefix</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>Status</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}>
                    <td>{k.label}</td>
                    <td>
                      <code>lx_{k.prefix}_…</code>
                    </td>
                    <td>{formatDateTime(k.createdAt)}</td>
                    <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never"}</td>
                    <td>{k.revokedAt ? <StatusBadge status="revoked" /> : <StatusBadge status="active" />}</td>
                    <td className="actions">
                      {k.revokedAt ? null : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="id" value={k.id} />
                          <button type="submit" className="button button-small button-danger" aria-label={`Revoke key ${k.label}`}>
                            Revoke
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
