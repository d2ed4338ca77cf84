/** The frame every hosted test page of the emulator shares (Checkout, Connect onboarding): plain HTML, a TEST MODE badge. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What the pages' own styles build on: the card in the middle of the page and its badge. */
const BASE_STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f6f9fc; color: #1a1f36; margin: 0; }
  main { margin: 3rem auto; background: #fff; border-radius: 8px; padding: 2rem; box-shadow: 0 2px 8px rgba(0,0,0,.08); }
  .badge { display: inline-block; font-size: .75rem; background: #ffde92; color: #5e3c00; border-radius: 4px; padding: .1rem .4rem; }
`;

export function renderHostedPage(page: { title: string; style: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${BASE_STYLE}${page.style}</style>
</head>
<body>
<main>
<span class="badge">TEST MODE</span>
${page.body}
</main>
</body>
</html>
`;
}
