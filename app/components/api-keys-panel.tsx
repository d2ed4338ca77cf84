import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmFinalForm } from "./confirm-final-form";
import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";
import { DataTable } from "./data-table";
import { Field, FormError, SubmitButton } from "./field";
import { formatDateTime } from "./format";
import { EmptyState, PageHeader } from "./portal-shell";
import { StatusBadge } from "./status-badge";

export interface ApiKeyRow {
  id: string;
  label: string;
  prefix: string;
  createdAt: Date | string;
  lastUsedAt: Date | string | null;
  revokedAt: Date | string | null;
}

/** What the API keys action answers (a revocation redirects): the new key once, or the form's errors. */
export type ApiKeyActionData =
  { created: { id: string; key: string; label: string } } | { errors: Record<string, string>; formError?: string; values?: Record<string, string> };

/** The active key `?confirm=<id>` asks to revoke. */
export type RevokeConfirmation = Pick<ApiKeyRow, "id" | "label" | "prefix">;

/**
 * The API keys page of a portal, rendered from its route's loader ({ keys }) and action data:
 * the key just created (shown once), the create form, the list with revoke buttons and, after one
 * is pressed, the confirmation that revokes (a page of its own without JavaScript: ?confirm=<id>).
 * `description` and `emptyHint` say what the keys are for in that portal.
 */
export function ApiKeysPanel({ description, emptyHint }: { description: ReactNode; emptyHint: ReactNode }) {
  const { keys, confirmRevoke } = useLoaderData<{ keys: ApiKeyRow[]; confirmRevoke: RevokeConfirmation | null }>();
  const actionData = useActionData<ApiKeyActionData>();
  const created = actionData && "created" in actionData ? actionData.created : null;
  const failure = actionData && "errors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader title="API keys" description={description} />

      {created ? (
        <section className="card new-key" role="status" aria-live="polite">
          <h2>New key “{created.label}”</h2>
          <p>
            <strong>Copy it now: it is shown once.</strong> Leadex keeps only a hash, so it cannot show it again. If you lose it, revoke it and create another.
          </p>
          <div className="secret">
            <code data-testid="new-api-key">{created.key}</code>
            <CopyButton text={created.key} />
          </div>
        </section>
      ) : null}

      {confirmRevoke ? <RevokeKeyConfirmation apiKey={confirmRevoke} /> : null}

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
          <SubmitButton>Create key</SubmitButton>
        </Form>
      </section>

      <section className="card">
        <h2>Your keys</h2>
        <DataTable
          stackOnPhone
          rows={keys}
          empty={<EmptyState title="No keys yet">{emptyHint}</EmptyState>}
          head={
            <>
              <th>Label</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </>
          }
          row={(k) => (
            <tr key={k.id}>
              <td data-label="Label">{k.label}</td>
              <td data-label="Prefix">
                <code>lx_{k.prefix}_…</code>
              </td>
              <td data-label="Created">{formatDateTime(k.createdAt)}</td>
              <td data-label="Last used">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never"}</td>
              <td data-label="Status">{k.revokedAt ? <StatusBadge status="revoked" /> : <StatusBadge status="active" />}</td>
              <td data-label="Actions" className="actions">
                {k.revokedAt ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="id" value={k.id} />
                    <button type="submit" className="button button-small button-danger" aria-label={`Revoke key ${k.label}`}>
                      Revoke…
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}

function RevokeKeyConfirmation({ apiKey }: { apiKey: RevokeConfirmation }) {
  return (
    <section className="card" id="revoke" aria-labelledby="revoke-title" data-testid="revoke-confirmation">
      <h2 id="revoke-title">{`Revoke key “${apiKey.label}”?`}</h2>
      <p>
        <strong>This cannot be undone.</strong> Every request signed with <code>{`lx_${apiKey.prefix}_…`}</code> is refused from then on; create a new key first
        if a system still uses this one.
      </p>
      <ConfirmFinalForm fields={{ intent: "revoke", id: apiKey.id }} confirmLabel="Revoke the key for good" />
    </section>
  );
}
