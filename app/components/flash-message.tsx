import type { Flash } from "~/utils/flash";

/** What the last action did, shown once at the top of the page it redirected to. */
export function FlashMessage({ flash }: { flash: Flash | null }) {
  if (!flash) return null;
  return (
    <div
      className={`alert ${flash.kind === "success" ? "alert-success" : "alert-error"} flash`}
      role={flash.kind === "error" ? "alert" : "status"}
      data-testid="flash"
    >
      {flash.message}
    </div>
  );
}
