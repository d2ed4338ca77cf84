import type { z, ZodType } from "zod";

// Expected failures as typed errors; routes map them to HTTP with `toErrorResponse`.

export type FieldErrors = Record<string, string>;

export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(fieldErrors: FieldErrors, message = "Some fields are invalid", status = 422) {
    super(message, status, "invalid_fields", fieldErrors);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = "Authentication required") {
    super(message, 401, "unauthorized");
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You may not do this") {
    super(message, 403, "forbidden");
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(`${what} not found`, 404, "not_found");
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message, 409, "conflict");
  }
}

/** Too many attempts: refused until `retryAfterSeconds` have passed (answered as 429 with Retry-After). */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, "rate_limited");
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** JSON error envelope used by every API route: { error: { code, message, fields? } }. */
export function toErrorResponse(error: unknown): Response {
  if (isDomainError(error)) {
    return Response.json(
      { error: { code: error.code, message: error.message, fields: error.fieldErrors } },
      { status: error.status, headers: retryAfterHeaders(error) },
    );
  }
  throw error;
}

/** `Retry-After` for a rate-limited answer; no headers otherwise. */
export function retryAfterHeaders(error: DomainError): Record<string, string> | undefined {
  return error instanceof RateLimitedError ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
}

/** Turns Zod issues into { "field.path": "message" }. */
export function zodFieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    if (!Object.hasOwn(fields, key)) fields[key] = issue.message;
  }
  return fields;
}

/** The value as the schema reads it, or a 422 naming every field the schema refused. */
export function parseOrThrow<Schema extends ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  return parsed.data;
}
