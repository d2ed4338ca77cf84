import { redirect } from "@remix-run/node";

// The admin portal starts at the leads list (homePathFor("ADMIN")); the layout checks the role.
export function loader() {
  return redirect("/admin/leads");
}
