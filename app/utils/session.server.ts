import { createCookie, redirect } from "@remix-run/node";
import { randomBytes } from "node:crypto";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "./db.server";
import { getEnv } from "./env.server";
import type { Actor } from "./permissions.server";

const SESSION_DAYS = 30;

function sessionCookie() {
  const env = getEnv();
  return createCookie("__leadex_session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: env.SECURE_COOKIES ?? env.APP_URL.startsWith("https://"),
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_DAYS * 24 * 60 * 60,
  });
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  companyId: string | null;
  companyName: string | null;
}

/** Starts a database-backed session and returns the Set-Cookie header value. */
export async function createUserSession(userId: string): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  await prisma.session.create({
    data: { id, userId, expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) },
  });
  return sessionCookie().serialize(id);
}

async function readSessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" ? value : null;
}

export async function getSessionUser(request: Request): Promise<SessionUser | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    include: { user: { include: { company: true } } },
  });
  // A suspended company's sessions are deleted when it is suspended; this also ends one started meanwhile.
  if (!session || session.expiresAt < new Date() || session.user.company?.suspendedAt) return null;
  const { user } = session;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    companyId: user.companyId,
    companyName: user.company?.name ?? null,
  };
}

export function homePathFor(role: Role): string {
  return role === "ADMIN" ? "/admin/leads" : role === "ADVERTISER" ? "/advertiser" : "/affiliate";
}

/** Who is asking, for a portal page: redirects to login when nobody, 403 on the wrong role. */
export async function requireUser(request: Request, roles?: Role[]): Promise<SessionUser & { actor: Actor }> {
  const user = await getSessionUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (roles && !roles.includes(user.role)) {
    throw new Response("Forbidden", { status: 403 });
  }
  return { ...user, actor: { userId: user.id, companyId: user.companyId ?? "", role: user.role } };
}

export async function destroyUserSession(request: Request): Promise<string> {
  const sessionId = await readSessionId(request);
  if (sessionId) await prisma.session.deleteMany({ where: { id: sessionId } });
  return sessionCookie().serialize("", { maxAge: 0 });
}
