import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/utils/forms";

describe("safeRedirect after logging in", () => {
  const home = "/advertiser";

  it("follows a path on this site", () => {
    expect(safeRedirect("/advertiser/leads", home)).toBe("/advertiser/leads");
    expect(safeRedirect("/advertiser/leads?status=sold#top", home)).toBe("/advertiser/leads?status=sold#top");
  });

  it.each([
    ["a tab browsers strip into //", "/\t/evil.example"],
    ["a newline browsers strip into //", "/\n/evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash browsers read as /", "/\\evil.example"],
    ["a backslash later in the path", "/advertiser\\..\\..\\/evil.example"],
    ["an absolute URL", "https://evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "advertiser/leads"],
    ["nothing", ""],
  ])("never leaves the site for %s", (_what, to) => {
    expect(safeRedirect(to, home)).toBe(home);
  });

  it("answers a path a Location header can carry when the path has characters beyond Latin-1", () => {
    expect(safeRedirect("/advertiser/leads?q=中", home)).toBe("/advertiser/leads?q=%E4%B8%AD");
    expect(safeRedirect("/advertiser/lé\ud800", home)).toBe("/advertiser/l%C3%A9%EF%BF%BD");
    expect(() => new Headers({ location: safeRedirect("/advertiser#😀", home) })).not.toThrow();
  });

  it("falls back when there is no redirect", () => {
    expect(safeRedirect(null, home)).toBe(home);
    expect(safeRedirect(undefined, home)).toBe(home);
  });
});
