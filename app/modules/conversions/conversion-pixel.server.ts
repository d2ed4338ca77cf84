import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { pixelTokenFailuresByAddress, tooManyPixelTokenFailuresError } from "~/modules/accounts/rate-limits.server";
import { prisma } from "~/utils/db.server";
import { publicUrl } from "~/utils/env.server";
import { DomainError, RateLimitedError, UnauthorizedError, ValidationError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { findUnstorableFields } from "~/utils/storable-text";
import { reportConversion } from "./conversion-intake.server";

// The conversion pixel, for advertisers who cannot call an API: their thank-you page loads
// /api/v1/conversions/pixel?token=<pixel token>&lead_id=...&conversion_id=... (the fields of the
// conversion postback) as a 1×1 image or an iframe. The token is the advertiser's verification
// token, `lxp_<prefix>_<secret>`: shown once when generated, stored as SHA-256 like an API key,
// and replaced at once when rotated. It sits in the page's source, so anyone who sees that page
// can read it: the advertiser's conversion rules (hold, reject) are its guard, as for any pixel.
//
// A pixel must never show a broken image: every answer, a refusal included, is the image (or the
// page) with status 200, and the outcome in headers: X-Leadex-Status (accepted | refused),
// X-Leadex-Reason (the refusal's reason code, the API's), X-Leadex-Api-Status (what the API would
// answer), X-Leadex-Conversion-Id and X-Leadex-Conversion-Status. Failed tokens are limited per
// client address with the API keys' limits, on a counter of their own (then `rate_limited`).

const TOKEN_PATTERN = /^lxp_([a-z0-9]{10})_([A-Za-z0-9_-]{32,})$/;
/** Query parameters that are the pixel's own, not the conversion's. */
const PIXEL_PARAMETERS = ["token", "format", "api_key"];

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export interface PixelTokenState {
  /** `lxp_<prefix>_…`: which token is in use; null before the first one. */
  prefix: string | null;
}

export async function getPixelTokenState(actor: Actor): Promise<PixelTokenState> {
  requirePermission(actor, "read:conversion:own");
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { pixelTokenPrefix: true } });
  return { prefix: company.pixelTokenPrefix };
}

/** A new pixel token, in clear exactly once; the previous one stops working at once. */
export async function issuePixelToken(actor: Actor): Promise<string> {
  requirePermission(actor, "write:conversion:own");
  const prefix = randomBytes(8).toString("hex").slice(0, 10);
  const token = `lxp_${prefix}_${randomBytes(24).toString("base64url")}`;
  await prisma.company.update({ where: { id: actor.companyId }, data: { pixelTokenPrefix: prefix, pixelTokenHash: sha256(token) } });
  return token;
}

/** The pixel's URL with the token and example fields (placeholders in braces), as the portal shows it. */
export function pixelUrl(token: string, fields: Record<string, string>, format?: "iframe"): string {
  const query = new URLSearchParams({ token, ...fields, ...(format ? { format } : {}) });
  // Placeholders stay readable: {lead_id}, not %7Blead_id%7D.
  return `${publicUrl("/api/v1/conversions/pixel")}?${query.toString().replace(/%7B/g, "{").replace(/%7D/g, "}")}`;
}

async function verifyPixelToken(token: string | null): Promise<Actor> {
  if (!token) throw new UnauthorizedError("Missing pixel token (token=lxp_...)");
  const match = TOKEN_PATTERN.exec(token);
  if (!match) throw new UnauthorizedError("Invalid pixel token");
  const company = await prisma.company.findUnique({ where: { pixelTokenPrefix: match[1] }, select: { id: true, kind: true, pixelTokenHash: true } });
  const expected = Buffer.from(company?.pixelTokenHash ?? "0".repeat(64), "hex");
  const actual = Buffer.from(sha256(token), "hex");
  if (!company || company.kind !== "ADVERTISER" || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new UnauthorizedError("Invalid pixel token");
  }
  return { userId: null, companyId: company.id, role: "ADVERTISER" };
}

/** The advertiser the token names; 401 for a wrong one, 429 once the address has too many of those. */
export async function authenticatePixelToken(token: string | null, clientAddress: string): Promise<Actor> {
  try {
    return await verifyPixelToken(token);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    const failures = await pixelTokenFailuresByAddress.hit(clientAddress);
    if (failures.reached) throw tooManyPixelTokenFailuresError(failures.retryAfterSeconds);
    throw error;
  }
}

export interface PixelOutcome {
  status: "accepted" | "refused";
  /** What the conversion API would answer. */
  apiStatus: number;
  reasonCode: string | null;
  message: string;
  /** The fields a refusal names. */
  fields: string[];
  conversionId: string | null;
  conversionStatus: string | null;
  retryAfterSeconds: number | null;
}

/** Takes one pixel hit: the query string is the conversion report (as the API's GET), plus `token`. */
export async function recordPixelConversion(query: URLSearchParams, clientAddress: string): Promise<PixelOutcome> {
  try {
    const actor = await authenticatePixelToken(query.get("token"), clientAddress);
    const record: Record<string, unknown> = Object.fromEntries(query);
    for (const name of PIXEL_PARAMETERS) delete record[name];
    const unstorable = findUnstorableFields(record, 1);
    if (Object.keys(unstorable).length > 0) throw new ValidationError(unstorable);
    const answer = await reportConversion(actor, record, "PIXEL");
    const body = answer.body;
    return {
      status: "accepted",
      apiStatus: answer.httpStatus,
      reasonCode: null,
      message: typeof body.message === "string" ? body.message : `Conversion ${String(body.conversion_id)} is ${String(body.status)}`,
      fields: [],
      conversionId: answer.conversionId,
      conversionStatus: typeof body.status === "string" ? body.status : null,
      retryAfterSeconds: null,
    };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      status: "refused",
      apiStatus: error.status,
      reasonCode: error.code,
      message: error.message,
      fields: Object.keys(error.fieldErrors ?? {}),
      conversionId: null,
      conversionStatus: null,
      retryAfterSeconds: error instanceof RateLimitedError ? error.retryAfterSeconds : null,
    };
  }
}

/** A transparent 1×1 GIF (43 bytes). */
const TRANSPARENT_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

function outcomeHeaders(outcome: PixelOutcome): Record<string, string> {
  const headers: Record<string, string> = {
    "Cache-Control": "no-store, no-cache, must-revalidate, private",
    Pragma: "no-cache",
    Expires: "0",
    "X-Leadex-Status": outcome.status,
    "X-Leadex-Api-Status": String(outcome.apiStatus),
  };
  if (outcome.reasonCode) headers["X-Leadex-Reason"] = outcome.reasonCode;
  if (outcome.fields.length > 0) headers["X-Leadex-Fields"] = outcome.fields.filter((f) => /^[\w.]{1,64}$/.test(f)).join(",");
  if (outcome.conversionId) headers["X-Leadex-Conversion-Id"] = outcome.conversionId;
  if (outcome.conversionStatus) headers["X-Leadex-Conversion-Status"] = outcome.conversionStatus;
  if (outcome.retryAfterSeconds !== null) headers["Retry-After"] = String(outcome.retryAfterSeconds);
  return headers;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The answer to a pixel hit: the image, or (`format=iframe`) a tiny page saying what happened; always 200. */
export function pixelResponse(outcome: PixelOutcome, format: string | null): Response {
  const headers = outcomeHeaders(outcome);
  if (format === "iframe") {
    const what = outcome.status === "accepted" ? "Conversion received" : `Conversion refused (${outcome.reasonCode})`;
    const html =
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Leadex</title></head>` +
      `<body data-status="${outcome.status}"><p>${escapeHtml(what)}: ${escapeHtml(outcome.message)}</p></body></html>`;
    return new Response(html, { status: 200, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
  }
  return new Response(TRANSPARENT_GIF, { status: 200, headers: { ...headers, "Content-Type": "image/gif", "Content-Length": String(TRANSPARENT_GIF.length) } });
}
