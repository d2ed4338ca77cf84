import { createCookie, redirect } from "@remix-run/node";
import { z } from "zod";
import { getEnv } from "./env.server";
import type { Flash } from "./flash";

/**
 * One-time messages after an action ("Order saved", "Offer paused"): the action redirects with
 * the message in a short-lived signed cookie, and the next page (root loader) shows it once and
 * clears it. Works without JavaScript, survives the POST → redirect → GET round trip.
 */
const flashSchema: z.ZodType<Flash> = z.object({ kind: z.enum(["success", "error"]), message: z.string().max(300) });

function flashCookie() {
  const env = getEnv();
  return createCookie("__leadex_flash", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: env.SECURE_COOKIES ?? env.APP_URL.startsWith("https://"),
    secrets: [env.SESSION_SECRET],
    maxAge: 60,
  });
}

/** Redirects to `to` and tells the person what happened there. */
export async function redirectWithFlash(to: string, message: string, opts: { kind?: Flash["kind"]; headers?: HeadersInit; status?: 302 | 303 } = {}) {
  const headers = new Headers(opts.headers);
  headers.append("Set-Cookie", await flashCookie().serialize({ kind: opts.kind ?? "success", message } satisfies Flash));
  return redirect(to, { headers, status: opts.status ?? 302 });
}

/** The message waiting for this request, if any, and the header that clears it. */
export async function readFlash(request: Request): Promise<{ flash: Flash | null; headers: HeadersInit }> {
  const cookie = flashCookie();
  const raw: unknown = await cookie.parse(request.headers.get("Cookie"));
  if (raw === null || raw === undefined) return { flash: null, headers: {} };
  const parsed = flashSchema.safeParse(raw);
  return { flash: parsed.success ? parsed.data : null, headers: { "Set-Cookie": await cookie.serialize("", { maxAge: 0 }) } };
}
