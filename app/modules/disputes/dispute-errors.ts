import { DomainError, type FieldErrors } from "~/utils/errors";

/** A return or dispute refused for a reason of its own (window closed, cap reached, already asked): a code, a status, the words. */
export class DisputeRefusedError extends DomainError {
  constructor(
    code: string,
    status: number,
    message: string,
    fieldErrors?: FieldErrors,
    /** The dispute the request collides with, when there is one. */
    readonly existingId?: string,
  ) {
    super(message, status, code, fieldErrors);
  }
}

/** A refusal in words (one item of a list or a CSV row): each refused field named, or the error's message. */
export function refusalWords(error: DomainError): string {
  const fields = Object.entries(error.fieldErrors ?? {}).map(([field, message]) => `${field}: ${message}`);
  return error.code === "invalid_fields" && fields.length > 0 ? fields.join("; ") : error.message;
}
