import { prisma } from "~/utils/db.server";
import { waitFor } from "../support/wait";

let counter = 0;

/** A plausible US consumer: unique email and phone each call unless overridden. */
export function leadFields(overrides: Record<string, string> = {}): Record<string, string> {
  counter++;
  const n = (Date.now() % 10_000) * 100 + counter;
  const line = String(1000 + (n % 9000)).padStart(4, "0");
  return {
    first_name: "Ada",
    last_name: "Lovelace",
    email: `ada.${process.pid}.${n}@example.com`,
    phone: `(415) 555-${line}`,
    state: "CA",
    postal_code: "94107",
    ...overrides,
  };
}

let leadIdCounter = 0;
export function affiliateLeadId(): string {
  leadIdCounter++;
  return `aff-${process.pid}-${Date.now()}-${leadIdCounter}`;
}

/** Posts a lead through the real HTTP postback endpoint. */
export async function postLead(
  appUrl: string,
  apiKey: string,
  body: Record<string, unknown>,
  options: { format?: "json" | "form" | "get" } = {},
): Promise<{ status: number; body: any }> {
  const format = options.format ?? "json";
  const url = new URL("/api/v1/leads", appUrl);
  let response: Response;
  if (format === "get") {
    for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    url.searchParams.set("api_key", apiKey);
    response = await fetch(url);
  } else if (format === "form") {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])),
    });
  } else {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; keep the text for the assertion message
  }
  return { status: response.status, body: parsed };
}

/** Waits until the worker has decided a lead (anything but received/accepted) and returns it with its timeline. */
export async function leadDecided(leadId: string) {
  return waitFor(`lead ${leadId} to be decided`, async () => {
    const lead = await prisma.lead.findUnique({ where: { id: leadId }, include: { events: { orderBy: { seq: "asc" } } } });
    return lead && lead.status !== "RECEIVED" && lead.status !== "ACCEPTED" ? lead : undefined;
  });
}

/** The outcome of each check on a lead's timeline, by check code: { email_role: "fail", ... }. */
export function checkOutcomes(events: ReadonlyArray<{ type: string; data: unknown }>): Record<string, string> {
  return Object.fromEntries(
    events
      .filter((e) => e.type === "check")
      .map((e) => {
        const data = e.data as { code: string; outcome: string };
        return [data.code, data.outcome];
      }),
  );
}
