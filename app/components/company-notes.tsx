import { Form } from "@remix-run/react";
import { FieldError, SubmitButton } from "./field";
import { formatDateTime } from "./format";
import type { ReasonFormFailure } from "./reason-form";

/** The admin's notes on a company: the "New note" form (intent "note") and the notes, newest first. */
export function CompanyNotes({
  notes,
  failure,
}: {
  notes: ReadonlyArray<{ id: string; createdAt: string | Date; author: string; body: string }>;
  failure?: ReasonFormFailure | null;
}) {
  const mine = failure?.values?.intent === "note";
  const error = mine ? failure?.errors?.body : undefined;
  return (
    <section className="card">
      <h2>Notes</h2>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="note" />
        <div className="field">
          <label htmlFor="f-note-body">New note</label>
          <textarea
            id="f-note-body"
            name="body"
            rows={3}
            maxLength={2000}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "f-note-body-error" : undefined}
            defaultValue={mine ? failure?.values?.body : undefined}
          />
          <FieldError id="f-note-body-error" error={error} />
        </div>
        <SubmitButton>Add note</SubmitButton>
      </Form>
      {notes.length === 0 ? (
        <p className="muted">No notes yet.</p>
      ) : (
        <ol className="plain-list" data-testid="company-notes">
          {notes.map((n) => (
            <li key={n.id}>
              <p className="muted small">
                {formatDateTime(n.createdAt)} · {n.author}
              </p>
              <p>{n.body}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
