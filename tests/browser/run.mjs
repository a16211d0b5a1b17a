// toluu's browser suite: builds the example site with each built-in theme, serves it on
// loopback and drives Debian's chromium through playwright-core. Every page type found in
// the output (the home page, page/N/, people/, people/<slug>/, feeds/<slug>/, ... and any type
// added later) must load with no console error, no failed request and no request leaving
// the machine, pass axe-core in the light and the dark scheme, reach every link with Tab,
// and every page must be valid HTML; axe runs again at 390 and 1920 px. Then the features:
// the compact river (12 posts above the fold at 1280×900, the sidebar beside it, the
// excerpt one click away), the phone's header under 100 px, search, the dark-mode toggle,
// relative dates, "new since your last visit", the no-JavaScript fallbacks and page weight.
// Screenshots of both themes at phone and desktop width (docs/screenshots/ with
// TOLUU_SCREENSHOTS=1).
//
// Usage: node run.mjs   (from tests/browser, after `cargo build` and `npm ci`)
// Env: TOLUU_BIN (default ../../target/debug/toluu), CHROMIUM (default /usr/bin/chromium),
// TOLUU_THEMES (default "default,planet"), TOLUU_SCREENSHOTS=1 (update docs/screenshots/).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";
import { HtmlValidate } from "html-validate";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const bin = process.env.TOLUU_BIN || path.join(repo, "target/debug/toluu");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
// Screenshots are taken on every run; they replace the committed ones in docs/screenshots/
// only with TOLUU_SCREENSHOTS=1 (PNG bytes vary a little from run to run).
const keepShots = process.env.TOLUU_SCREENSHOTS === "1";
const axeSource = fs.readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");
// A fixed clock for the pages: relative dates and screenshots are then the same every run.
const FIXED_NOW = new Date("2026-11-25T12:00:00Z");
const RIVER_BUDGET = 100 * 1024;
// The compact river at 1280×900 (issue 17), and the phone's header.
const FOLD_POSTS = 12;
const PHONE_HEADER = 100;

const started = Date.now();
let passed = 0;
let failed = 0;
const figures = [];

/** Runs one named check; a thrown error or a returned list of problems fails it. */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const problems = (await fn()) || [];
    if (problems.length) throw new Error(problems.join("\n    "));
    passed++;
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n    ${String(e && e.stack && !e.message.includes("\n") ? e.stack : e.message)}`);
  }
}

// ---------------------------------------------------------------- building and serving

function buildSite(theme, tmp) {
  let siteDir = path.join(repo, "example-site");
  if (theme !== "default") {
    // A copy of the example site whose toluu.toml names the theme.
    siteDir = path.join(tmp, `site-${theme}`);
    fs.cpSync(path.join(repo, "example-site"), siteDir, {
      recursive: true,
      filter: (src) => path.basename(src) !== "public",
    });
    const toml = path.join(siteDir, "toluu.toml");
    const text = fs.readFileSync(toml, "utf8");
    if (!/^theme = ".*"$/m.test(text)) throw new Error("example-site/toluu.toml has no theme line");
    fs.writeFileSync(toml, text.replace(/^theme = ".*"$/m, `theme = "${theme}"`));
  }
  const out = path.join(tmp, `out-${theme}`);
  const r = spawnSync(bin, ["build", siteDir, "--offline", "-q", "-o", out], { encoding: "utf8" });
  if (r.error) throw new Error(`cannot run ${bin} (run \`cargo build\` first): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`toluu build (${theme}) failed: ${r.status}\n${r.stderr}`);
  return out;
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8", ".json": "application/json",
  ".svg": "image/svg+xml", ".xml": "application/xml", ".opml": "text/x-opml", ".png": "image/png",
};

/** A static file server for `dir` on 127.0.0.1, like a plain static host (GitHub Pages). */
function serve(dir) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(dir, path.normalize(rel));
    let status = 200;
    let target = file;
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      status = 404;
      target = path.join(dir, "404.html");
    }
    res.writeHead(status, { "content-type": TYPES[path.extname(target)] || "application/octet-stream" });
    res.end(fs.readFileSync(target));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Every page of the site, and one page per page type: the largest (most to check). */
function pageTypes(dir) {
  const pages = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (r.endsWith(".html")) pages.push(r);
    }
  };
  walk("");
  pages.sort();
  const types = new Map();
  for (const page of pages) {
    // people/ana/index.html -> people/*/ ; page/2/index.html -> page/*/ ; index.html -> /
    const segs = page.split("/");
    const file = segs.pop();
    const key = file !== "index.html" ? page
      : segs.length ? segs.map((s, i) => (i % 2 ? "*" : s)).join("/") + "/" : "/";
    const url = file === "index.html" ? page.slice(0, -"index.html".length) : page;
    const size = fs.statSync(path.join(dir, page)).size;
    if (!types.has(key) || size > types.get(key).size) types.set(key, { key, url, size });
  }
  return { pages, types: [...types.values()] };
}

// ---------------------------------------------------------------- page helpers

/** Opens `url` in a fresh page and records everything that went wrong while loading. */
async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  const expected404 = url.endsWith("/404.html") || url.includes("/no-such-page/");
  page.on("console", (m) => {
    // Chromium logs the 404 status of a page that is meant to be a 404.
    if (m.type() === "error" && !(expected404 && /status of 404/.test(m.text()) && m.location().url === url)) {
      problems.push(`console error: ${m.text()} (${m.location().url})`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!r.failure()?.errorText.includes("ERR_BLOCKED_BY_CLIENT")) {
      problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    }
  });
  page.on("response", (r) => {
    const type = r.request().resourceType();
    if (r.status() >= 400 && !(expected404 && type === "document")) {
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, problems };
}

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    await page.addScriptTag({ content: axeSource });
  }
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

/** Presses Tab through the whole page; returns the visible links never focused. */
async function linksMissedByTab(page) {
  const stops = await page.evaluate(() => {
    // Links inside a closed <details> ("Read more") are reached once it is opened, not before.
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const folded = el.tagName !== "SUMMARY" && el.closest("details:not([open])") !== null;
      return !folded && r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    [...document.querySelectorAll("a[href]")].filter(visible)
      .forEach((a, i) => a.setAttribute("data-tab-id", String(i)));
    window.__reached = new Set();
    window.__unmarked = [];
    document.addEventListener("focusin", (e) => {
      const id = e.target.getAttribute && e.target.getAttribute("data-tab-id");
      if (id === null) return;
      window.__reached.add(id);
      // Keyboard focus must show: an outline (the theme's :focus-visible style).
      const style = getComputedStyle(e.target);
      if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 1) {
        // Once per link: the presses may go round the page past the first stops again.
        const problem = `no focus outline on ${e.target.textContent.trim()} (${e.target.getAttribute("href")})`;
        if (!window.__unmarked.includes(problem)) window.__unmarked.push(problem);
      }
    });
    if (document.activeElement) document.activeElement.blur();
    // Every element Tab may stop at, so that enough presses are sent to go all the way round.
    return [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
      .filter(visible).length;
  });
  for (let i = 0; i < stops + 3; i++) await page.keyboard.press("Tab");
  return page.evaluate(() => [...document.querySelectorAll("a[data-tab-id]")]
    .filter((a) => !window.__reached.has(a.getAttribute("data-tab-id")))
    .map((a) => `Tab never reaches ${a.textContent.trim() || a.getAttribute("href")} (${a.getAttribute("href")})`)
    .concat(window.__unmarked.slice(0, 5)));
}

/** What a page's head lacks of: title, description, canonical, Open Graph, Atom and OPML. */
async function missingHeadTags(page, key) {
  const head = await page.evaluate(() => {
    const attr = (sel, a) => document.head.querySelector(sel)?.getAttribute(a) || "";
    return {
      title: document.title,
      description: attr('meta[name="description"]', "content"),
      canonical: attr('link[rel="canonical"]', "href"),
      ogTitle: attr('meta[property="og:title"]', "content"),
      ogDescription: attr('meta[property="og:description"]', "content"),
      ogUrl: attr('meta[property="og:url"]', "content"),
      ogType: attr('meta[property="og:type"]', "content"),
      atom: attr('link[rel="alternate"][type="application/atom+xml"]', "href"),
      opml: attr('link[rel="alternate"][type="text/x-opml"]', "href"),
    };
  });
  const out = [];
  for (const [name, value] of Object.entries(head)) {
    // The 404 page is served at any address: it has no canonical URL of its own.
    if (!value && !(name === "canonical" && key === "404.html")) out.push(`no ${name} in <head>`);
  }
  if (head.canonical && !/^https?:\/\//.test(head.canonical)) out.push(`canonical is not absolute: ${head.canonical}`);
  for (const feed of [head.atom, head.opml]) {
    const r = await page.request.get(new URL(feed, page.url()).href);
    if (!r.ok()) out.push(`alternate ${feed}: HTTP ${r.status()}`);
  }
  return out;
}

const isDark = (page) => page.evaluate(() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 128;
});

// ---------------------------------------------------------------- the suite

async function suiteFor(theme, dir, base, browser) {
  const { pages, types } = pageTypes(dir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // No request may leave the machine: anything not on our loopback server is blocked and
  // counted (the block shows as ERR_BLOCKED_BY_CLIENT, which openPage leaves to this).
  const thirdParty = [];
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(base)) return route.continue();
    thirdParty.push(u);
    return route.abort("blockedbyclient");
  });
  await context.clock?.setFixedTime?.(FIXED_NOW);

  console.log(`\n# ${theme} theme: ${pages.length} pages, ${types.length} page types: ${types.map((t) => t.key).join(" ")}`);

  const validator = new HtmlValidate({
    extends: ["html-validate:recommended"],
    rules: {
      // `<ul role="list">` is deliberate: Safari drops the list semantics of a list styled
      // with list-style: none unless the role is spelled out.
      "no-redundant-role": "off",
      "prefer-native-element": ["error", { exclude: ["list"] }],
      // Titles are "Page · Site": a long feed title makes a long page title, and that is fine.
      "long-title": "off",
    },
  });
  await check(`${theme}: every page is valid HTML (${pages.length} pages)`, async () => {
    const problems = [];
    for (const p of pages) {
      const report = await validator.validateString(fs.readFileSync(path.join(dir, p), "utf8"), p);
      for (const r of report.results) {
        for (const m of r.messages) problems.push(`${p}:${m.line}:${m.column}: ${m.message} (${m.ruleId})`);
      }
    }
    return problems.slice(0, 30);
  });

  await check(`${theme}: the checks catch a broken page (axe, Tab, html-validate)`, async () => {
    const { page } = await openPage(context, base);
    await page.evaluate(() => {
      const main = document.querySelector("main");
      main.insertAdjacentHTML("afterbegin", '<img src="favicon.svg" width="8" height="8"><a href="#x" tabindex="-1">unreachable</a><a href="#y" style="outline: none !important">unmarked</a>');
    });
    const out = [];
    const axe = await axeViolations(page);
    if (!axe.some((v) => v.startsWith("image-alt"))) out.push(`axe missed an image without alt: ${axe}`);
    // Text in the light scheme's muted color is unreadable on the dark scheme's background:
    // axe must see it once the page is dark.
    await page.evaluate(() => document.querySelector("main").insertAdjacentHTML("afterbegin", '<p style="color: #5a606a">dim</p>'));
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await axeViolations(page);
    if (!dark.some((v) => v.startsWith("color-contrast"))) out.push(`axe missed low contrast in the dark scheme: ${dark}`);
    await page.emulateMedia({ colorScheme: "light" });
    const missed = await linksMissedByTab(page);
    const expected = ["Tab never reaches unreachable (#x)", "no focus outline on unmarked (#y)"];
    if (JSON.stringify(missed) !== JSON.stringify(expected)) out.push(`Tab check: ${missed}`);
    await page.close();
    const report = await validator.validateString("<!DOCTYPE html><html lang=en><title>x</title><p><div></p>", "bad.html");
    if (report.valid) out.push("html-validate accepted a broken page");
    return out;
  });

  for (const t of types) {
    await check(`${theme} ${t.key}: loads cleanly, passes axe (light and dark), Tab reaches every link [${t.url || "/"}]`, async () => {
      const before = thirdParty.length;
      const { page, problems } = await openPage(context, base + t.url);
      const out = [...problems, ...(await missingHeadTags(page, t.key))];
      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const v of await axeViolations(page)) out.push(`axe ${scheme}: ${v}`);
      }
      await page.emulateMedia({ colorScheme: "light" });
      out.push(...(await linksMissedByTab(page)));
      for (const u of thirdParty.slice(before)) out.push(`third-party request: ${u}`);
      await page.close();
      return out;
    });
  }

  // The same page types on a phone and on a wide screen: layouts differ (the river's sidebar
  // only shows on wide screens, the header folds on phones), so axe runs at each width.
  for (const width of [390, 1920]) {
    await check(`${theme}: every page type at ${width} px passes axe (light and dark), no third-party request`, async () => {
      const out = [];
      const before = thirdParty.length;
      const page = await context.newPage();
      await page.setViewportSize({ width, height: width === 390 ? 844 : 1080 });
      for (const t of types) {
        await page.goto(base + t.url);
        for (const scheme of ["light", "dark"]) {
          await page.emulateMedia({ colorScheme: scheme });
          for (const v of await axeViolations(page)) out.push(`${t.url || "/"} axe ${scheme}: ${v}`);
        }
        await page.emulateMedia({ colorScheme: "light" });
      }
      for (const u of thirdParty.slice(before)) out.push(`third-party request: ${u}`);
      await page.close();
      return out;
    });
  }

  await check(`${theme}: the compact river shows at least ${FOLD_POSTS} posts above the fold at 1280×900`, async () => {
    const { page, problems } = await openPage(context, base);
    const r = await page.evaluate(() => ({
      lines: document.querySelectorAll(".post.post-line").length,
      above: [...document.querySelectorAll(".post")].filter((p) => p.getBoundingClientRect().bottom <= innerHeight).length,
      days: document.querySelectorAll(".days > .day").length,
      aside: getComputedStyle(document.querySelector(".river-aside")).display !== "none"
        && document.querySelector(".river-aside").getBoundingClientRect().left > document.querySelector(".river-main").getBoundingClientRect().right,
    }));
    figures.push(`${theme} river at 1280×900: ${r.above} posts above the fold`);
    const out = [...problems];
    if (!r.lines) out.push("the river is not in the compact layout");
    if (r.above < FOLD_POSTS) out.push(`only ${r.above} posts above the fold`);
    if (r.days < 2) out.push(`${r.days} day headings`);
    if (!r.aside) out.push("the sidebar is not beside the posts");
    // The excerpt is one click away, and the click is on a real <details> (no JavaScript).
    const fold = page.locator(".post-line .post-fold").first();
    if (await fold.locator(".post-excerpt").isVisible()) out.push("the excerpt shows before the click");
    await fold.locator(":scope > summary").click();
    if (!(await fold.locator(".post-excerpt").isVisible())) out.push("the excerpt does not show after the click");
    for (const v of await axeViolations(page)) out.push(`axe with an excerpt open: ${v}`);
    await page.close();
    return out;
  });

  await check(`${theme}: on a phone (390 px) the header stays under ${PHONE_HEADER} px on every page type`, async () => {
    const out = [];
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const t of types) {
      await page.goto(base + t.url);
      const h = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
      if (h >= PHONE_HEADER) out.push(`${t.url || "/"}: the header is ${h.toFixed(0)} px tall`);
    }
    await page.close();
    return out;
  });

  await check(`${theme}: an unknown address gets the 404 page, which loads cleanly`, async () => {
    const { page, problems } = await openPage(context, `${base}people/no-such-page/`);
    const h1 = await page.textContent("h1");
    await page.close();
    return [...problems, ...(/not on any list/i.test(h1) ? [] : [`404 heading: ${h1}`])];
  });

  await check(`${theme}: the river page weighs under ${RIVER_BUDGET / 1024} KB of HTML+CSS+JS`, async () => {
    // A fresh context: an empty cache, so every byte the page needs is counted.
    const fresh = await browser.newContext();
    const { page, problems } = await openPage(fresh, base);
    const bytes = await page.evaluate(() => {
      const sizes = { html: performance.getEntriesByType("navigation")[0].encodedBodySize, css: 0, js: 0, other: [] };
      for (const r of performance.getEntriesByType("resource")) {
        if (r.initiatorType === "link" && r.name.endsWith(".css")) sizes.css += r.encodedBodySize;
        else if (r.initiatorType === "script") sizes.js += r.encodedBodySize;
        else sizes.other.push(r.name);
      }
      return sizes;
    });
    await fresh.close();
    const total = bytes.html + bytes.css + bytes.js;
    const kb = (n) => (n / 1024).toFixed(1);
    figures.push(`${theme} river page: ${kb(total)} KB (HTML ${kb(bytes.html)}, CSS ${kb(bytes.css)}, JS ${kb(bytes.js)}; also loaded: ${bytes.other.map((u) => u.replace(base, "")).join(", ") || "nothing"})`);
    return [...problems, ...(total < RIVER_BUDGET && bytes.html > 0 && bytes.css > 0 && bytes.js > 0 ? [] : [`${total} bytes: ${JSON.stringify(bytes)}`])];
  });

  await check(`${theme}: search finds a known post, a person and a feed`, async () => {
    const { page, problems } = await openPage(context, base);
    const out = [...problems];
    // A post from the middle of the river, as the built page shows it.
    const post = await page.evaluate(() => {
      const a = document.querySelectorAll(".post-title a")[4];
      return { title: a.textContent.trim(), href: a.href };
    });
    await page.fill("#search-q", post.title);
    await page.waitForSelector("#search-results:not([hidden]) .search-status");
    const hits = await page.$$eval("#search-results a", (as) => as.map((a) => ({ title: a.textContent, href: a.href })));
    if (!hits.some((h) => h.title === post.title && h.href === post.href)) {
      out.push(`searching "${post.title}" did not list ${post.href}: ${JSON.stringify(hits)}`);
    }
    await page.fill("#search-q", "chen");
    await page.waitForFunction(() => document.querySelector("#search-results .search-status")?.textContent !== "");
    const person = await page.$$eval("#search-results a", (as) => as.map((a) => a.getAttribute("href")));
    if (!person.some((h) => h.endsWith("/people/chen-wei/"))) out.push(`"chen" did not find Chen Wei: ${person}`);
    await page.fill("#search-q", "zzqx nothing like this");
    const none = await page.textContent("#search-results .search-status");
    if (none !== "No results") out.push(`a query with no match says "${none}"`);
    // Enter on a query jumps to the first result; Escape closes the panel.
    await page.fill("#search-q", "julia evans");
    await page.press("#search-q", "Enter");
    const focused = await page.evaluate(() => document.activeElement.textContent);
    if (focused !== "Julia Evans") out.push(`Enter focused "${focused}", expected the feed Julia Evans`);
    await page.keyboard.press("Escape");
    if (!(await page.$eval("#search-results", (el) => el.hidden))) out.push("Escape did not close the results");
    for (const v of await axeViolations(page)) out.push(`axe with results open: ${v}`);
    // From a deep page, results link to the right pages too.
    const deep = types.find((t) => t.key === "tags/*/") || types.find((t) => t.url.split("/").length > 2);
    await page.goto(base + deep.url);
    await page.fill("#search-q", "chen wei");
    await page.waitForSelector("#search-results:not([hidden]) a");
    await Promise.all([page.waitForNavigation(), page.click("#search-results a")]);
    if (page.url() !== `${base}people/chen-wei/`) out.push(`from ${deep.url}, "chen wei" led to ${page.url()}`);
    await page.close();
    return out;
  });

  await check(`${theme}: the dark-mode toggle switches, is remembered, and switches back`, async () => {
    const { page, problems } = await openPage(context, base);
    const out = [...problems];
    await page.emulateMedia({ colorScheme: "light" });
    if (await isDark(page)) out.push("dark before any toggle under a light system scheme");
    await page.click("#theme-toggle");
    if (!(await isDark(page))) out.push("not dark after the toggle");
    if ((await page.getAttribute("#theme-toggle", "aria-pressed")) !== "true") out.push("aria-pressed is not true");
    await page.goto(base + "people/");
    if (!(await isDark(page))) out.push("the choice was not remembered on the next page");
    await page.click("#theme-toggle");
    if (await isDark(page)) out.push("still dark after toggling back");
    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    if (!(await isDark(page))) out.push("does not follow a dark system scheme");
    await page.evaluate(() => localStorage.clear());
    await page.close();
    return out;
  });

  await check(`${theme}: the first Tab stop is the skip link, and it moves focus to the content`, async () => {
    const { page, problems } = await openPage(context, base + "people/");
    const out = [...problems];
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement.className);
    if (first !== "skip-link") out.push(`first Tab stop: ${first}`);
    const top = await page.evaluate(() => document.activeElement.getBoundingClientRect().top);
    if (top < 0) out.push(`the focused skip link is off screen (top ${top}px)`);
    await page.keyboard.press("Enter");
    const after = await page.evaluate(() => document.activeElement.id);
    if (after !== "main") out.push(`after the skip link, focus is on #${after}`);
    await page.close();
    return out;
  });

  await check(`${theme}: dates show absolute, and relative once the script runs`, async () => {
    const { page, problems } = await openPage(context, base);
    const r = await page.evaluate(() => ({
      times: document.querySelectorAll(".post time[datetime]").length,
      ago: [...document.querySelectorAll(".post time + .ago")].map((s) => s.textContent),
      first: document.querySelector(".post time").textContent,
    }));
    await page.close();
    const out = [...problems];
    if (!r.times || r.ago.length !== r.times) out.push(`${r.times} dates but ${r.ago.length} relative dates`);
    if (!/^\d{1,2} \w{3} \d{4}$/.test(r.first)) out.push(`absolute date reads "${r.first}"`);
    if (!r.ago.every((t) => /\((.* ago|yesterday|today|last \w+|now)\)/.test(t))) out.push(`relative dates: ${r.ago.slice(0, 5)}`);
    return out;
  });

  await check(`${theme}: posts newer than the last visit are marked new, and only those`, async () => {
    const { page, problems } = await openPage(context, base);
    const out = [...problems];
    // The first visit marks nothing.
    if ((await page.$$(".post.is-new")).length) out.push("posts marked new on a first visit");
    // Pretend the last visit was when the 6th post of the river was published.
    const dates = await page.$$eval(".post time[datetime]", (ts) => ts.map((t) => Date.parse(t.getAttribute("datetime"))));
    const cut = dates[5];
    await page.evaluate((t) => localStorage.setItem("toluu-visit", JSON.stringify({ prev: t, last: t })), cut);
    await page.reload();
    const marked = await page.$$eval(".post", (ps) => ps.map((p) => p.classList.contains("is-new")));
    const expected = dates.map((d) => d > cut);
    if (JSON.stringify(marked) !== JSON.stringify(expected)) out.push(`marked ${marked} expected ${expected}`);
    if (!expected.includes(true)) out.push("nothing newer than the cut: the check proves nothing");
    if ((await page.$$(".new-badge")).length !== expected.filter(Boolean).length) out.push("badge count differs");
    for (const v of await axeViolations(page)) out.push(`axe with new markers: ${v}`);
    // Reloading within the same visit keeps the same markers.
    await page.reload();
    if ((await page.$$(".post.is-new")).length !== expected.filter(Boolean).length) out.push("markers lost on reload in the same visit");
    await page.evaluate(() => localStorage.clear());
    await page.close();
    return out;
  });

  await check(`${theme}: responsive from 320 px: no horizontal scrolling on any page type`, async () => {
    const out = [];
    const page = await context.newPage();
    for (const width of [320, 390, 768]) {
      await page.setViewportSize({ width, height: 800 });
      for (const t of types) {
        await page.goto(base + t.url);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) out.push(`${t.url || "/"} at ${width}px scrolls sideways by ${overflow}px`);
      }
    }
    await page.close();
    return out;
  });

  await check(`${theme}: print styles drop the navigation and print black on white`, async () => {
    const page = await context.newPage();
    await page.goto(base);
    await page.emulateMedia({ media: "print", colorScheme: "dark" });
    const out = [];
    // A dark system scheme, then the toggle's dark choice: both print black on white.
    for (const how of ["system", "toggle"]) {
      if (how === "toggle") await page.evaluate(() => document.documentElement.setAttribute("data-theme", "dark"));
      const r = await page.evaluate(() => ({
        nav: getComputedStyle(document.querySelector(".site-nav")).display,
        search: getComputedStyle(document.querySelector(".site-search")).display,
        bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.body).color,
      }));
      if (r.nav !== "none" || r.search !== "none") out.push(`navigation printed: ${JSON.stringify(r)}`);
      if (r.bg !== "rgb(255, 255, 255)" || r.fg !== "rgb(0, 0, 0)") out.push(`colors in print (${how} dark): ${r.fg} on ${r.bg}`);
    }
    await page.close();
    return out;
  });

  await check(`${theme}: every image has a width and height (no layout shift)`, async () => {
    const out = [];
    for (const p of pages) {
      const html = fs.readFileSync(path.join(dir, p), "utf8");
      for (const img of html.match(/<img\b[^>]*>/g) || []) {
        if (!/\swidth="\d+"/.test(img) || !/\sheight="\d+"/.test(img)) out.push(`${p}: ${img}`);
      }
    }
    return out;
  });

  await context.close();

  // Without JavaScript: the site reads fine, the toggle stays hidden, search opens the feeds page.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  await check(`${theme}: with JavaScript off, the river reads and search falls back to the feeds page`, async () => {
    const { page, problems } = await openPage(noJs, base);
    const out = [...problems];
    if ((await page.$$(".post")).length === 0) out.push("no posts");
    if (await page.isVisible("#theme-toggle")) out.push("the toggle shows without JavaScript");
    await page.fill("#search-q", "rust");
    await Promise.all([page.waitForNavigation(), page.press("#search-q", "Enter")]);
    if (!page.url().startsWith(base + "feeds/?q=rust")) out.push(`search went to ${page.url()}`);
    if ((await page.$$(".feed-card")).length === 0) out.push("the feeds page lists no feeds");
    await page.close();
    return out;
  });
  await noJs.close();

  // Screenshots, with a fixed clock and no stored state so they are the same every run.
  const shotsDir = keepShots ? path.join(repo, "docs/screenshots") : path.join(path.dirname(dir), "screenshots");
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const [name, width, height, scheme] of [["phone", 390, 844, "light"], ["desktop", 1280, 900, "light"], ["desktop-dark", 1280, 900, "dark"], ["search", 1280, 640, "light"], ["wide", 1920, 1080, "light"]]) {
    if (theme !== "default" && (name === "desktop-dark" || name === "search" || name === "wide")) continue;
    await check(`${theme}: screenshot ${name} (${width}px)`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
      await ctx.clock?.setFixedTime?.(FIXED_NOW);
      const page = await ctx.newPage();
      await page.goto(base);
      if (name === "search") {
        await page.fill("#search-q", "log");
        await page.waitForSelector("#search-results:not([hidden]) a");
      }
      const file = path.join(shotsDir, `${theme}-${name}.png`);
      await page.screenshot({ path: file });
      await ctx.close();
      return fs.statSync(file).size > 5000 ? [] : [`${file} is suspiciously small`];
    });
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "toluu-browser-"));
  const servers = [];
  let browser;
  try {
    const sites = [];
    for (const theme of (process.env.TOLUU_THEMES || "default,planet").split(",")) {
      const dir = buildSite(theme, tmp);
      const server = await serve(dir);
      servers.push(server);
      sites.push({ theme, dir, base: `http://127.0.0.1:${server.address().port}/` });
    }
    // launch() starts chromium with a fresh, empty profile of its own (--user-data-dir).
    browser = await chromium.launch({
      executablePath: browserPath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    console.log(`chromium ${browser.version()}, playwright-core, axe-core ${JSON.parse(fs.readFileSync(path.join(here, "node_modules/axe-core/package.json"))).version}`);
    for (const s of sites) await suiteFor(s.theme, s.dir, s.base, browser);
  } catch (e) {
    failed++;
    console.log(`FAIL the suite could not run: ${e.stack || e}`);
  } finally {
    if (browser) await browser.close();
    for (const s of servers) s.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const f of figures) console.log(`figure: ${f}`);
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
