import type { Prisma } from "~/generated/prisma/client";
import { balancesCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import { DEFAULT_CURRENCY } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { CompanyListFilter } from "./companies.schema";

// What an admin reads of companies: the searchable list, and one company with its members,
// money, orders or offers, and the notes admins left on it.

export const COMPANIES_PAGE = 50;

function companyWhere(filter: CompanyListFilter): Prisma.CompanyWhereInput {
  const where: Prisma.CompanyWhereInput[] = [];
  if (filter.q)
    where.push({ OR: [{ name: { contains: filter.q, mode: "insensitive" } }, { members: { some: { email: { contains: filter.q, mode: "insensitive" } } } }] });
  if (filter.kind) where.push({ kind: filter.kind });
  if (filter.state === "suspended") where.push({ suspendedAt: { not: null } });
  if (filter.state === "active") where.push({ suspendedAt: null });
  if (filter.state === "payouts-held") where.push({ payoutsHeldAt: { not: null } });
  return { AND: where };
}

/** Companies newest first, 50 a page, by name or member email, kind and state. */
export async function listCompaniesForAdmin(actor: Actor, filter: CompanyListFilter) {
  requirePermission(actor, "read:company:any");
  const rows = await prisma.company.findMany({
    where: { AND: [companyWhere(filter), keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))] },
    orderBy: newestFirst("createdAt"),
    take: COMPANIES_PAGE + 1,
    select: {
      id: true,
      name: true,
      kind: true,
      createdAt: true,
      suspendedAt: true,
      payoutsHeldAt: true,
      members: { select: { email: true }, orderBy: { createdAt: "asc" }, take: 1 },
      _count: { select: { members: true, offers: true, orders: true } },
    },
  });
  const page = keysetPage(rows, COMPANIES_PAGE, (r) => r.createdAt);
  return {
    nextCursor: page.nextCursor,
    rows: page.rows.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      createdAt: c.createdAt,
      firstEmail: c.members[0]?.email ?? null,
      suspended: c.suspendedAt !== null,
      payoutsHeld: c.payoutsHeldAt !== null,
      members: c._count.members,
      offers: c._count.offers,
      orders: c._count.orders,
    })),
  };
}

/** One company as the admin's company page shows it; 404 for an unknown id. */
export async function readCompanyForAdmin(actor: Actor, companyId: string) {
  requirePermission(actor, "read:company:any");
  const company = await prisma.company.findUnique({
    where: { id: companyId },
    include: {
      members: { select: { id: true, name: true, email: true, role: true, createdAt: true, lockedUntil: true }, orderBy: { createdAt: "asc" } },
      notes: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 100, include: { author: { select: { name: true, email: true } } } },
      orders: {
        orderBy: { createdAt: "desc" },
        take: 100,
        select: { id: true, status: true, pauseReason: true, priceCents: true, currency: true, createdAt: true, offer: { select: { id: true, title: true } } },
      },
      offers: {
        orderBy: { createdAt: "desc" },
        take: 100,
        select: { id: true, title: true, status: true, unlistedAt: true, priceCents: true, currency: true, pricingModel: true },
      },
    },
  });
  if (!company) throw new NotFoundError("Company");
  const currency = DEFAULT_CURRENCY;
  const accounts =
    company.kind === "ADVERTISER"
      ? [ledgerAccounts.advertiserWallet(company.id, currency)]
      : company.kind === "AFFILIATE"
        ? [ledgerAccounts.affiliateHeld(company.id, currency), ledgerAccounts.affiliateAvailable(company.id, currency)]
        : [];
  const balances = accounts.length > 0 ? await balancesCents(prisma, accounts) : new Map<string, bigint>();
  const cents = (i: number) => Number(accounts[i] ? (balances.get(accounts[i].code) ?? 0n) : 0n);
  return {
    id: company.id,
    name: company.name,
    kind: company.kind,
    createdAt: company.createdAt,
    suspendedAt: company.suspendedAt,
    suspendedReason: company.suspendedReason,
    payoutsHeldAt: company.payoutsHeldAt,
    payoutsHeldReason: company.payoutsHeldReason,
    creditLimitCents: company.creditLimitCents,
    returnRateBps: company.returnRateBps,
    currency,
    money:
      company.kind === "ADVERTISER"
        ? ({ kind: "wallet", walletCents: cents(0) } as const)
        : company.kind === "AFFILIATE"
          ? ({ kind: "earnings", heldCents: cents(0), availableCents: cents(1) } as const)
          : null,
    members: company.members,
    notes: company.notes.map((n) => ({
      id: n.id,
      body: n.body,
      createdAt: n.createdAt,
      author: n.author ? `${n.author.name} (${n.author.email})` : "A former admin",
    })),
    orders: company.orders,
    offers: company.offers,
  };
}
