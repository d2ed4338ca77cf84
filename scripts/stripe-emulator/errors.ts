/** Errors rendered in Stripe's error envelope: `{ error: { type, code?, message, param?, ... } }`. */

export type StripeErrorType = "invalid_request_error" | "idempotency_error" | "card_error" | "api_error";

export interface StripeErrorBody {
  error: {
    type: StripeErrorType;
    message: string;
    code?: string;
    param?: string;
    decline_code?: string;
    /** Card errors name what they happened to (charge id, the PaymentIntent, its PaymentMethod, ...). */
    [extra: string]: unknown;
  };
}

export class StripeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "StripeApiError";
  }

  toBody(): StripeErrorBody {
    const error: StripeErrorBody["error"] = { type: this.type, message: this.message };
    if (this.code !== undefined) error.code = this.code;
    if (this.param !== undefined) error.param = this.param;
    return { error: { ...error, ...this.extra } };
  }
}

export const invalidRequest = (message: string, param?: string, code?: string, status = 400) =>
  new StripeApiError(status, "invalid_request_error", message, code, param);

export const missingParam = (param: string) => invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");

export const unknownParam = (param: string) =>
  invalidRequest(`Received unknown parameter: ${param}. The Leadex Stripe emulator only implements the parameters Leadex uses.`, param, "parameter_unknown");

export const invalidParam = (param: string, message: string) => invalidRequest(message, param, "parameter_invalid");

/** 404 for an unknown id in the URL; pass `param` and status 400 for an unknown id in the body. */
export const noSuch = (what: string, id: string, param = "id", status = 404) => invalidRequest(`No such ${what}: '${id}'`, param, "resource_missing", status);

/**
 * A card declined (402 card_error): `extra` carries what Stripe adds, e.g. `decline_code`,
 * `charge`, `payment_intent` (the object, now in requires_payment_method), `payment_method`.
 */
export const cardError = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  new StripeApiError(402, "card_error", message, code, undefined, extra);
