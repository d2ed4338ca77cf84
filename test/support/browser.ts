import { chromium, type Browser, type Page } from "playwright-core";

// Debian's Chromium driven by playwright-core, for the browser tests under test/e2e.

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A headless Chromium with one page (20 s default timeout); close the browser in afterAll. */
/** Whether the page fits the window's width (no sideways scroll on a phone). */
export const fitsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

export async function openBrowserPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  context.setDefaultTimeout(20_000);
  return { browser, page: await context.newPage() };
}

/** Logs in through the login page and waits for the role's home page. */
/** Every script, style or form the Content-Security-Policy blocks on `page` (Chromium reports each on the console). */
export function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[ -]Security[ -]Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return violations;
}

export async function logInThroughPage(page: Page, appUrl: string, account: { email: string; password: string }, homePath: string) {
  await page.goto(`${appUrl}/login`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${appUrl}${homePath}`);
}

/**
 * Follows a link of the portal's section nav the way a person does: on a desktop through its
 * group's menu, on a phone through the "Menu" button, opening each closed menu on the way.
 */
export async function followNavLink(page: Page, name: string | RegExp) {
  // Which nav shows is the stylesheet's choice by width (app.css: the phone menu at 1100 px and
  // below); read from the viewport rather than from visibility, which a navigation in flight blurs.
  const width = page.viewportSize()?.width ?? 1280;
  const nav = page.locator(width > 1100 ? "nav.nav-desktop" : "nav.nav-phone");
  await nav.waitFor();
  const link = nav.getByRole("link", { name, exact: typeof name === "string", includeHidden: true }).first();
  const href = await link.getAttribute("href");
  // Outer menu first (the phone's "Menu"), then the group holding the link.
  const menus = nav.locator(`details:has(a[href="${href}"])`);
  for (let i = 0; i < (await menus.count()); i++) {
    const menu = menus.nth(i);
    if ((await menu.getAttribute("open")) === null) await menu.locator(":scope > summary").click();
  }
  await link.click();
}
