import { DomainError, isDomainError, toErrorResponse } from "./errors";

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

/** Reads a postback from a JSON body, a form body, or (GET) the query string, as a flat record. */
export async function readPostbackRecord(request: Request): Promise<Record<string, unknown>> {
  if (request.method === "GET") {
    return Object.fromEntries(new URL(request.url).searchParams);
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json") {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw new MalformedBodyError("The body is not valid JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new MalformedBodyError("The JSON body must be an object");
    return body as Record<string, unknown>;
  }
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    const form = await request.formData();
    return Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string"));
  }
  throw new MalformedBodyError("Send application/json or application/x-www-form-urlencoded");
}

export function clientIp(request: Request): string | null {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
}
