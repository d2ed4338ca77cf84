// Keyset pagination for the admin lists ("newest first, 50 a page"): the cursor is the last row's
// time and id, so a page is one indexed range read however deep it is, and rows added meanwhile
// never shift a page.

export interface KeysetCursor {
  at: Date;
  id: string;
}

/** What the URL carries (keyset-cursor.ts checks its shape): base64url of "<ISO time>|<id>". */
export function encodeKeysetCursor(row: KeysetCursor): string {
  return Buffer.from(`${row.at.toISOString()}|${row.id}`).toString("base64url");
}

/** The cursor's position, or null for one that is not ours (then the list starts from the newest). */
export function decodeKeysetCursor(cursor: string | undefined): KeysetCursor | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const time = new Date(at ?? "");
  // The ids paged are cuids: anything else (a NUL, say, which PostgreSQL refuses) is not ours.
  // And a time PostgreSQL can hold as a row's timestamp (a forged year -271821 would be refused with a 500).
  const year = time.getUTCFullYear();
  return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) && !Number.isNaN(time.getTime()) && year >= 1970 && year <= 9999 ? { at: time, id } : null;
}

/** Rows strictly after the cursor in (`field` desc, id desc) order, or (asc, asc) for `"asc"`. */
export function keysetAfter<F extends string>(field: F, cursor: KeysetCursor | null, order: "desc" | "asc" = "desc") {
  if (!cursor) return {};
  const past = order === "desc" ? "lt" : "gt";
  return {
    OR: [
      { [field]: { [past]: cursor.at } } as Record<F, { lt?: Date; gt?: Date }>,
      { [field]: cursor.at, id: { [past]: cursor.id } } as Record<F, Date> & { id: { lt?: string; gt?: string } },
    ],
  };
}

/** The order keysetAfter pages through. */
export const newestFirst = <F extends string>(field: F) => [{ [field]: "desc" } as Record<F, "desc">, { id: "desc" as const }];

/** The order keysetAfter(field, cursor, "asc") pages through: a queue's oldest first. */
export const oldestFirst = <F extends string>(field: F) => [{ [field]: "asc" } as Record<F, "asc">, { id: "asc" as const }];

/** Cuts a read of `limit + 1` rows to the page and the cursor of the next one (null on the last page). */
export function keysetPage<Row extends { id: string }>(rows: Row[], limit: number, timeOf: (row: Row) => Date): { rows: Row[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: encodeKeysetCursor({ at: timeOf(last), id: last.id }) };
}
