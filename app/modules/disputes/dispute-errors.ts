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
