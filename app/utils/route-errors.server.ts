import { data, type HeadersFunction } from "@remix-run/node";
import { ZodError, type z } from "zod";
import { isDomainError, NotFoundError, retryAfterHeaders, zodFieldErrors, type FieldErrors } from "./errors";
import { formValues } from "./forms";
import { whyTextIsUnstorable } from "./storable-text";

// How routes turn expected failures into HTTP. Actions answer with the form's errors so the page
// re-renders with messages next to the fields; 403/404 become error responses for the boundary.

export interface FormFailure {
  errors: FieldErrors;
  formError?: string;
  /** What was typed (see `formValues` in utils/forms.ts), to refill the form. */
  values?: Record<string, string>;
}

/** The action answer for a form that failed validation: `{ errors, formError?, values? }` with a status. */
export function formFailure(errors: FieldErrors, formError?: string, status = 400, values?: Record<string, string>, headers?: HeadersInit) {
  const body: FormFailure = { errors };
  if (formError) body.formError = formError;
  if (values) body.values = values;
  return data(body, { status, headers });
}

/**
 * `export const headers` of a form route whose action can refuse with 429: a page answer carries
 * only what this returns, so the action's Retry-After is added to the parents' headers here.
 */
export const formRouteHeaders: HeadersFunction = ({ parentHeaders, actionHeaders }) => {
  const headers = new Headers(parentHeaders);
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

/**
 * The submitted form. A name or value that no text column can hold (a NUL byte, a control
 * character, broken Unicode) answers 400 naming the field: only a crafted request sends one, and
 * the database would refuse it with a 500 further down. Uploaded files are read by their module.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response("A form is sent as application/x-www-form-urlencoded or multipart/form-data.", { status: 400, statusText: "Bad Request" });
  }
  for (const [name, value] of form) {
    const problem = whyTextIsUnstorable(name) ?? whyTextIsUnstorable(typeof value === "string" ? value : value.name);
    if (problem) {
      const field = JSON.stringify(name).slice(1, -1);
      throw new Response(`The form field "${field}": ${problem.toLowerCase()}.`, { status: 400, statusText: "Bad Request" });
    }
  }
  return form;
}

/**
 * Parses a submitted form with its schema. On success the data; otherwise the 400 answer that
 * names each bad field and refills the form (`formError` is an optional message above it).
 * `toInput` turns the form into the schema's input when it is not a flat record; `values` reads
 * what was typed when a flat record would lose some (checkbox groups).
 */
export function parseForm<Schema extends z.ZodType>(
  form: FormData,
  schema: Schema,
  opts: { toInput?: (form: FormData) => unknown; formError?: string; values?: (form: FormData) => Record<string, string> } = {},
) {
  const values = opts.values ? opts.values(form) : formValues(form);
  const parsed = schema.safeParse(opts.toInput ? opts.toInput(form) : Object.fromEntries(form));
  if (parsed.success) return { success: true as const, data: parsed.data, values };
  return { success: false as const, failure: formFailure(zodFieldErrors(parsed.error.issues), opts.formError, 400, values), values };
}

/**
 * The one shape of a form action: parse the submitted form with its schema (400 naming each bad
 * field and refilling the form), then run the module call with the parsed data; an error it
 * throws becomes the form's answer (`formFailureFrom`). `run` returns the redirect (usually
 * `redirectWithFlash`) or data to render. Actions with several intents pick the schema per intent
 * and call this once per branch.
 *
 *   return handleForm(form, orderStatusFormSchema, (data) => setOwnOrderStatus(actor, id, data.status).then(() => redirect(here)));
 */
export async function handleForm<Schema extends z.ZodType, Answer>(
  form: FormData,
  schema: Schema,
  run: (data: z.output<Schema>, values: Record<string, string>) => Promise<Answer> | Answer,
  opts: { toInput?: (form: FormData) => unknown; formError?: string; values?: (form: FormData) => Record<string, string> } = {},
) {
  const parsed = parseForm(form, schema, opts);
  if (!parsed.success) return parsed.failure;
  try {
    return await run(parsed.data, parsed.values);
  } catch (error) {
    return formFailureFrom(error, parsed.values);
  }
}

/**
 * Maps an error thrown while handling a form to its answer: Zod issues and domain errors with
 * fields become field errors (a 404 naming a field too: "Not one of your leads" beside lead_id),
 * other domain errors a form-level message, other 403/404s a thrown error response (rendered by
 * the nearest ErrorBoundary), a rate limit a 429 with Retry-After.
 * Anything unexpected is rethrown.
 */
export function formFailureFrom(error: unknown, values?: Record<string, string>) {
  if (error instanceof ZodError) return formFailure(zodFieldErrors(error.issues), undefined, 400, values);
  if (isDomainError(error)) {
    if ((error.status === 403 || error.status === 404) && !error.fieldErrors) {
      throw new Response(error.message, { status: error.status, statusText: error.status === 403 ? "Forbidden" : "Not Found" });
    }
    return formFailure(error.fieldErrors ?? {}, error.fieldErrors ? undefined : error.message, error.status, values, retryAfterHeaders(error));
  }
  throw error;
}

/** Runs a loader's read and turns a NotFoundError into a 404 response for the ErrorBoundary. */
export async function orNotFound<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response(error.message, { status: 404, statusText: "Not Found" });
    if (isDomainError(error) && error.status === 403) throw new Response(error.message, { status: 403, statusText: "Forbidden" });
    throw error;
  }
}

/** Ledger sums are BigInt, which loaders cannot serialise: cents as a plain number. */
export function centsToNumber(cents: bigint): number {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER) || cents < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Amount ${cents} cents is too large to show`);
  }
  return Number(cents);
}
