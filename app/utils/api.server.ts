import { DomainError, isDomainError, toErrorResponse, ValidationError } from "./errors";
import { findUnstorableFields } from "./storable-text";

export class MalformedBodyError extends DomainError {
  constructor(message: string) {
    super(message, 400, "malformed_body");
  }
}

/** Runs an API handler and maps typed domain errors to their JSON error response. */
export async function handleApi(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Response) return error;
    if (isDomainError(error)) return toErrorResponse(error);
    throw error;
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(`The body is larger than ${limitBytes} bytes`, 413, "payload_too_large");
  }
}

/** A postback is one lead: anything bigger than this is not one. */
export const MAX_POSTBACK_BYTES = 64 * 1024;

/**
 * What the API reads of a request: a Web `Request` (through Remix) or the parts server.js hands
 * over on the postback hot path (docs/decisions/003-postback-hot-path.md), read the same way.
 */
export interface ApiRequestParts {
  method: string;
  /** The absolute URL (only read for GET and a query-string API key). */
  url: () => string;
  header: (name: string) => string | null;
  text: () => Promise<string>;
}

export function requestParts(request: Request): ApiRequestParts {
  return { method: request.method, url: () => request.url, header: (name) => request.headers.get(name), text: () => request.text() };
}

async function readBoundedText(request: ApiRequestParts, maxBytes: number): Promise<string> {
  const declared = Number(request.header("content-length") ?? "0");
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return text;
}

/**
 * How deep a postback may nest: the record, its "fields" / "sub_ids" objects, and a little room
 * for a value the field check then refuses by name (a declared field takes a single value).
 */
const MAX_POSTBACK_DEPTH = 4;

/**
 * Reads a postback from a JSON body, a form body, or (GET) the query string, as a flat record.
 * Text that cannot be stored, and values nested too deep, are a 422 naming the field.
 * `maxBytes` raises the limit for an endpoint that takes a list (bulk returns).
 */
export async function readPostbackRecord(request: Request, options: { maxBytes?: number } = {}): Promise<Record<string, unknown>> {
  return readPostbackRecordFrom(requestParts(request), options);
}

export async function readPostbackRecordFrom(
  request: ApiRequestParts,
  { maxBytes = MAX_POSTBACK_BYTES }: { maxBytes?: number } = {},
): Promise<Record<string, unknown>> {
  const record = await readRecord(request, maxBytes);
  const unstorable = findUnstorableFields(record, MAX_POSTBACK_DEPTH);
  if (Object.keys(unstorable).length > 0) throw new ValidationError(unstorable);
  return record;
}

async function readRecord(request: ApiRequestParts, maxBytes: number): Promise<Record<string, unknown>> {
  if (request.method === "GET") {
    return Object.fromEntries(new URL(request.url()).searchParams);
  }
  const type = (request.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(await readBoundedText(request, maxBytes));
    } catch (error) {
      if (error instanceof PayloadTooLargeError) throw error;
      throw new MalformedBodyError("The body is not valid JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new MalformedBodyError("The JSON body must be an object");
    return body as Record<string, unknown>;
  }
  if (type === "application/x-www-form-urlencoded") {
    return Object.fromEntries(new URLSearchParams(await readBoundedText(request, maxBytes)));
  }
  throw new MalformedBodyError("Send application/json or application/x-www-form-urlencoded");
}

/** The loader of an endpoint that only takes POST: 405 with `Allow: POST`, in the API's error envelope. */
export function onlyPost(): Response {
  return Response.json({ error: { code: "method_not_allowed", message: "This endpoint only takes POST" } }, { status: 405, headers: { Allow: "POST" } });
}
