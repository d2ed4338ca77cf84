import { DomainError, type FieldErrors } from "~/utils/errors";
import { CONVERSION_REFUSALS, type ConversionRefusalCode } from "./conversions.schema";

/** A conversion report Leadex refuses, with its reason code and HTTP status (docs/api.md). */
export class ConversionRefusedError extends DomainError {
  constructor(
    readonly reasonCode: ConversionRefusalCode,
    message: string,
    fieldErrors?: FieldErrors,
  ) {
    super(message, CONVERSION_REFUSALS[reasonCode], reasonCode, fieldErrors);
  }
}
