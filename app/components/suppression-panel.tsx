import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { DataTable } from "./data-table";
import { FieldError, FormError, SelectField, SubmitButton } from "./field";
import { formatDateTime } from "./format";
import { EmptyState, PageHeader, StatCard } from "./portal-shell";

export interface SuppressionSummary {
  emails: number;
  phones: number;
  recent: Array<{ id: string; kind: string; hash: string; createdAt: Date | string }>;
}

/** What a suppression page's action answers: an upload's counts, a removal, or the form's errors. */
export type SuppressionActionData =
  | { added: number; alreadyPresent: number; badLines: Array<{ line: number; message: string }> }
  | { removed: number; badLines: Array<{ line: number; message: string }> }
  | { errors: Record<string, string>; formError?: string };

function UploadAnswer({ answer }: { answer: SuppressionActionData | undefined }) {
  if (!answer || "errors" in answer) return null;
  return (
    <div className={`alert ${answer.badLines.length > 0 ? "alert-warning" : "alert-success"}`} role="status" data-testid="suppression-result">
      {"added" in answer ? <p>{`${answer.added} added, ${answer.alreadyPresent} already on the list.`}</p> : <p>{`${answer.removed} removed.`}</p>}
      {answer.badLines.length > 0 ? (
        <ul>
          {answer.badLines.slice(0, 50).map((b) => (
            <li key={b.line}>{`Line ${b.line}: ${b.message}`}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * A suppression list page (advertiser's own or the platform's), rendered from its route's loader
 * ({ summary }) and action data. `allowRemove` shows the remove button (admins).
 */
export function SuppressionPanel({ title, description, allowRemove = false }: { title: string; description: ReactNode; allowRemove?: boolean }) {
  const { summary } = useLoaderData<{ summary: SuppressionSummary }>();
  const answer = useActionData<SuppressionActionData>();
  const failure = answer && "errors" in answer ? answer : null;
  return (
    <>
      <PageHeader title={title} description={description} />
      <div className="grid-2">
        <StatCard label="Emails" value={summary.emails} testId="suppressed-emails" />
        <StatCard label="Phones" value={summary.phones} testId="suppressed-phones" />
      </div>
      <section className="card">
        <h2>Add to the list</h2>
        <UploadAnswer answer={answer} />
        <Form method="post" encType="multipart/form-data" className="form form-wide" noValidate>
          <FormError error={failure?.formError} />
          <SelectField
            name="kind"
            label="The lines are"
            options={[
              { value: "EMAIL", label: "Emails" },
              { value: "PHONE", label: "Phone numbers" },
            ]}
            error={failure?.errors.kind}
          />
          <div className="field">
            <label htmlFor="f-lines">One per line</label>
            <textarea
              id="f-lines"
              name="lines"
              rows={8}
              placeholder={"ada@example.com\n(415) 555-2671\n9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
            />
            <p className="hint">
              Plain values (we lower-case emails and write phones as E.164 before hashing) or the SHA-256 hex of the normalised value. Only the hash is stored.
            </p>
            <FieldError error={failure?.errors.text} />
          </div>
          <div className="field">
            <label htmlFor="f-file">Or a CSV file (first column)</label>
            <input id="f-file" type="file" name="file" accept=".csv,.txt,text/csv,text/plain" />
          </div>
          <div className="form-actions">
            <SubmitButton>Add to the list</SubmitButton>
            {allowRemove ? (
              <button type="submit" name="intent" value="remove" className="button button-ghost">
                Remove these from the list
              </button>
            ) : null}
          </div>
        </Form>
      </section>
      <section className="card">
        <h2>Latest entries</h2>
        {summary.recent.length === 0 ? (
          <EmptyState title="The list is empty" />
        ) : (
          <DataTable
            stackOnPhone
            rows={summary.recent}
            head={
              <>
                <th>Kind</th>
                <th>SHA-256</th>
                <th>Added</th>
              </>
            }
            row={(e) => (
              <tr key={e.id}>
                <td data-label="Kind">{e.kind === "EMAIL" ? "Email" : "Phone"}</td>
                <td data-label="SHA-256">
                  <code>{e.hash}</code>
                </td>
                <td data-label="Added">{formatDateTime(e.createdAt)}</td>
              </tr>
            )}
          />
        )}
      </section>
    </>
  );
}
