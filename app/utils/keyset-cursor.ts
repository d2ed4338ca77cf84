import { z } from "zod";

/** A list's `cursor` in the URL (keyset-cursor.server.ts makes and reads it); anything else starts from the newest. */
export const keysetCursorParam = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/);
