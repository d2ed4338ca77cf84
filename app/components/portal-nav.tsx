import { NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";

export interface NavItem {
  to: string;
  label: string;
  /** Match only this exact path (for index pages). */
  end?: boolean;
  /** Things waiting there for the user (disputes to answer): shown beside the label when more than 0. */
  count?: number;
}

/** Items that share a "More"-style menu in the desktop nav and a heading in the phone menu. */
export interface NavGroup {
  label: string;
  items: NavItem[];
}

export type NavEntry = NavItem | NavGroup;

export function isNavGroup(entry: NavEntry): entry is NavGroup {
  return "items" in entry;
}

/** Whether `item` is the page at `pathname`, the way NavLink decides it. */
function isCurrent(item: NavItem, pathname: string) {
  return item.end ? pathname === item.to : pathname === item.to || pathname.startsWith(`${item.to}/`);
}

function CountBadge({ count }: { count?: number }) {
  if (!count) return null;
  return (
    <>
      {" "}
      <span className="badge badge-warning nav-count" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden"> ({count} waiting for you)</span>
    </>
  );
}

function NavItemLink({ item }: { item: NavItem }) {
  return (
    <NavLink to={item.to} end={item.end} prefetch="intent">
      {item.label}
      <CountBadge count={item.count} />
    </NavLink>
  );
}

/**
 * Menus built on <details>, so they open without JavaScript; with it, a menu closes after a
 * page change, on Escape (focus back on its summary) and when the person clicks elsewhere.
 */
function useClosingMenus() {
  const ref = useRef<HTMLDivElement>(null);
  const { pathname, search } = useLocation();
  useEffect(() => {
    ref.current?.querySelectorAll("details[open]").forEach((menu) => menu.removeAttribute("open"));
  }, [pathname, search]);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const openMenus = () => Array.from(root.querySelectorAll<HTMLDetailsElement>("details[open]"));
    const onClick = (event: MouseEvent) => {
      for (const menu of openMenus()) if (!menu.contains(event.target as Node)) menu.open = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      const menu = openMenus().find((m) => m.contains(document.activeElement)) ?? openMenus()[0];
      if (!menu) return;
      menu.open = false;
      menu.querySelector("summary")?.focus();
    };
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("click", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, []);
  return ref;
}

/**
 * A portal's section nav, twice: on a desktop a row of main items with the rest in grouped
 * menus; on a phone one "Menu" button opening every item under its group's heading.
 * CSS shows one of the two; the hidden one is display:none, so out of the accessibility tree.
 */
export function PortalNav({ portal, entries }: { portal: string; entries: NavEntry[] }) {
  const ref = useClosingMenus();
  const { pathname } = useLocation();
  const main = entries.filter((entry): entry is NavItem => !isNavGroup(entry));
  const label = `${portal} navigation`;
  return (
    <div className="portal-nav" ref={ref}>
      <nav className="main-nav nav-desktop" aria-label={label}>
        <ul>
          {entries.map((entry) =>
            isNavGroup(entry) ? (
              <li key={entry.label}>
                <NavGroupMenu group={entry} pathname={pathname} />
              </li>
            ) : (
              <li key={entry.to}>
                <NavItemLink item={entry} />
              </li>
            ),
          )}
        </ul>
      </nav>
      <nav className="main-nav nav-phone" aria-label={label}>
        <details className="nav-menu">
          <summary>
            Menu
            <CountBadge count={sumCounts(entries.flatMap((e) => (isNavGroup(e) ? e.items : [e])))} />
          </summary>
          <div className="nav-menu-panel">
            <ul>
              {main.map((item) => (
                <li key={item.to}>
                  <NavItemLink item={item} />
                </li>
              ))}
            </ul>
            {entries.filter(isNavGroup).map((group) => (
              <section key={group.label} aria-label={group.label}>
                <p className="nav-menu-heading" aria-hidden="true">
                  {group.label}
                </p>
                <ul>
                  {group.items.map((item) => (
                    <li key={item.to}>
                      <NavItemLink item={item} />
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        </details>
      </nav>
    </div>
  );
}

function sumCounts(items: NavItem[]) {
  return items.reduce((sum, item) => sum + (item.count ?? 0), 0);
}

function NavGroupMenu({ group, pathname }: { group: NavGroup; pathname: string }) {
  const current = group.items.some((item) => isCurrent(item, pathname));
  return (
    <details className="nav-group">
      <summary className={current ? "active" : undefined}>
        {group.label}
        {current ? <span className="visually-hidden"> (current section)</span> : null}
        <CountBadge count={sumCounts(group.items)} />
      </summary>
      <ul className="nav-group-menu">
        {group.items.map((item) => (
          <li key={item.to}>
            <NavItemLink item={item} />
          </li>
        ))}
      </ul>
    </details>
  );
}
