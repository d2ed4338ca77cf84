import { Form } from "@remix-run/react";
import { Field, FieldError, FormError, SubmitButton } from "./field";
import { formatDateTime } from "./format";

/** The evidence inputs every dispute form shares: text, a link, a file (sent as multipart). */
export function DisputeEvidenceFields({ errors, values, maxFileMb }: { errors?: Record<string, string>; values?: Record<string, string>; maxFileMb: number }) {
  return (
    <>
      <div className="field">
        <label htmlFor="f-evidence-text">Evidence (text)</label>
        <textarea id="f-evidence-text" name="evidence_text" rows={3} maxLength={5000} defaultValue={values?.evidence_text} />
        <FieldError error={errors?.evidence_text} />
      </div>
      <Field
        name="evidence_url"
        id="f-evidence-url"
        label="Evidence link"
        type="url"
        placeholder="https://"
        defaultValue={values?.evidence_url}
        error={errors?.evidence_url}
      />
      <div className="field">
        <label htmlFor="f-evidence-file">Evidence file</label>
        <input id="f-evidence-file" type="file" name="evidence_file" accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv,.mp3,.wav,.m4a" />
        <p className="hint">{`PDF, image, text, CSV or audio; at most ${maxFileMb} MB.`}</p>
        <FieldError error={errors?.evidence_file ?? errors?.["evidence_file.contentType"] ?? errors?.["evidence_file.bytes"]} />
      </div>
    </>
  );
}

/**
 * The respondent's answer to a dispute: agree (accept, confirm) or disagree (contest, decline)
 * with a note (required to disagree) and evidence. A plain multipart form: works without JavaScript.
 */
export function DisputeAnswerForm({
  agree,
  disagree,
  dueAt,
  agreeMeans,
  failure,
  maxFileMb,
}: {
  agree: string;
  disagree: string;
  dueAt: string | Date | null;
  /** What agreeing does, in words ("Its earning is reversed"). */
  agreeMeans: string;
  failure?: { errors: Record<string, string>; formError?: string; values?: Record<string, string> } | null;
  maxFileMb: number;
}) {
  const chosen = failure?.values?.response;
  return (
    <section className="card" aria-labelledby="answer-title">
      <h2 id="answer-title">Your answer</h2>
      <p className="muted">
        {`${agreeMeans} To ${disagree}, say why: an admin then decides.`}
        {dueAt ? ` Answer by ${formatDateTime(dueAt)}.` : ""}
      </p>
      <Form method="post" encType="multipart/form-data" className="form form-wide">
        <input type="hidden" name="intent" value="answer" />
        <fieldset className="field">
          <legend>Answer</legend>
          {[agree, disagree].map((word) => (
            <label key={word} className="radio">
              <input type="radio" name="response" value={word} defaultChecked={chosen === word} required /> {word[0].toUpperCase() + word.slice(1)}
            </label>
          ))}
          <FieldError error={failure?.errors.response} />
        </fieldset>
        <div className="field">
          <label htmlFor="f-note">Note</label>
          <textarea id="f-note" name="note" rows={3} maxLength={2000} defaultValue={failure?.values?.note} />
          <p className="hint">{`Required to ${disagree}; the other side and the admin read it.`}</p>
          <FieldError error={failure?.errors.note} />
        </div>
        <DisputeEvidenceFields errors={failure?.errors} values={failure?.values} maxFileMb={maxFileMb} />
        <FormError error={failure?.formError} />
        <div className="form-actions">
          <SubmitButton>Send the answer</SubmitButton>
        </div>
      </Form>
    </section>
  );
}
