// Drives keygate's API Keys page in real Chromium (playwright-core with
// Debian's /usr/bin/chromium) through the local gateway. go test ./e2e/
// (TestConsoleInChromium) starts the gateway, seeds the data and runs this
// with:
//   KEYGATE_URL        the gateway's base URL
//   CONSOLE_LINK       a console-link URL for alice (a sign-in link key that
//                      works once, within 15 minutes)
//   EXPIRED_LINK       the same with an expired sign-in link key
//   CHROMIUM           the browser executable
//   SCREENSHOT         where to save a picture of the list
// It prints one line per step and exits 1 at the first failure.
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(name + " is not set");
  return v;
};
const base = env("KEYGATE_URL");
const steps = [];
const step = async (name, fn) => {
  try {
    await fn();
    console.log("ok   " + name);
  } catch (e) {
    console.log("FAIL " + name + ": " + (e && e.stack ? e.stack : e));
    steps.push(name);
    throw e;
  }
};
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };
const whoami = (token) => fetch(base + "/open/auth/whoami", { headers: { Authorization: "Bearer " + token } });

const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
  page.on("response", (r) => { if (r.status() === 404) pageErrors.push("404 " + r.url()); });

  await step("the page answers with a strict Content-Security-Policy", async () => {
    const resp = await fetch(base + "/open/console");
    const csp = resp.headers.get("content-security-policy") || "";
    assert(resp.status === 200, "status " + resp.status);
    assert(csp.includes("default-src 'none'") && csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), "CSP: " + csp);
    assert(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), "CSP allows inline code: " + csp);
    assert(resp.headers.get("x-frame-options") === "DENY", "X-Frame-Options: " + resp.headers.get("x-frame-options"));
    const html = await resp.text();
    assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), "the page has an inline script");
    assert(!/\son[a-z]+=|style=/i.test(html), "the page has an inline handler or style");
  });

  const linkKey = new URLSearchParams(new URL(env("CONSOLE_LINK")).hash.slice(1)).get("key");
  let session;
  await step("sign-in by link: the link is exchanged for a session key in sessionStorage, out of the address bar", async () => {
    await page.goto(env("CONSOLE_LINK"));
    await page.locator("#keys").waitFor({ state: "visible" });
    assert(new URL(page.url()).hash === "", "the fragment is still in the URL: " + page.url());
    session = await page.evaluate(() => sessionStorage.getItem("keygate.apiKey"));
    assert(session && session.startsWith("sk_"), "no key in sessionStorage");
    assert(session !== linkKey, "the link's key is stored, not a session key");
    const local = await page.evaluate(() => JSON.stringify(localStorage));
    assert(local === "{}", "localStorage holds " + local);
  });

  await step("the link's key is spent; the session key has only admin and an hour, and is not listed", async () => {
    const again = await fetch(base + "/open/console/session", { method: "POST", headers: { Authorization: "Bearer " + linkKey } });
    assert(again.status === 403, "a second exchange: " + again.status);
    const who = await (await whoami(session)).json();
    assert(JSON.stringify(who.scopes) === '["admin"]', "session scopes: " + JSON.stringify(who.scopes));
    const names = await page.locator(".key-name").allTextContents();
    assert(!names.includes("console session") && !names.includes("console sign-in link"), "listed: " + JSON.stringify(names));
  });

  const evil = "<script>window.pwned=1</script> ci <img src=x onerror=window.pwned=2>";
  let token, start;
  await step("the create form defaults to least privilege: read only, 90 days", async () => {
    await page.getByRole("button", { name: "Create a new API key" }).click();
    const checked = await page.locator("#create-form input[name=scope]:checked").evaluateAll((cs) => cs.map((c) => c.value));
    assert(JSON.stringify(checked) === '["read"]', "checked scopes: " + JSON.stringify(checked));
    const expires = await page.locator("#create-expires").inputValue();
    const days = (new Date(expires) - Date.now()) / 86400000;
    assert(days > 89.9 && days <= 90, "default expiry " + expires + " is " + days + " days ahead, want 90");
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  await step("the create form lists the API document's scopes with their descriptions, and creates a key with one", async () => {
    await page.getByRole("button", { name: "Create a new API key" }).click();
    const box = page.getByRole("checkbox", { name: /read:users/ });
    assert(await box.isVisible(), "no read:users checkbox");
    assert((await page.locator("#create-scopes label").filter({ hasText: "read:users" }).textContent()).includes("Read user information"),
      "read:users is shown without its description");
    await page.getByLabel("Name", { exact: true }).fill("api scopes");
    await box.check();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator("#issued").waitFor({ state: "visible" });
    await page.getByRole("button", { name: "Done" }).click();
    const card = page.locator("li.key").filter({ hasText: "api scopes" }).first();
    const scopes = await card.locator(".f-scopes").textContent();
    assert(scopes === "read, read:users", "scopes: " + scopes);
  });

  await step("create: the token is shown once, then only its start", async () => {
    await page.getByRole("button", { name: "Create a new API key" }).click();
    await page.getByLabel("Name", { exact: true }).fill(evil);
    await page.getByLabel("Rate limit (optional): requests per second").fill("50");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator("#issued").waitFor({ state: "visible" });
    token = await page.locator("#issued-token").inputValue();
    assert(/^sk_[0-9A-Za-z]{65}$/.test(token), "token: " + token);
    assert((await page.locator("#issued").textContent()).includes("you will not see it again"), "no warning that the token is shown once");
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByRole("button", { name: "Done" }).click();
    assert(!(await page.content()).includes(token), "the token is still in the page after Done");
    const card = page.locator("li.key").filter({ hasText: "ci" }).first();
    start = await card.locator(".key-start").textContent();
    assert(token.startsWith(start.replace("…", "")), "start " + start + " is not the token's start");
    assert((await card.locator(".f-scopes").textContent()) === "read", "scopes: " + (await card.locator(".f-scopes").textContent()));
    assert((await card.locator(".f-expires").textContent()) !== "never", "the default expiry was not sent");
  });

  await step("a key name with <script> renders as text", async () => {
    const names = await page.locator(".key-name").allTextContents();
    assert(names.includes(evil), "names: " + JSON.stringify(names));
    assert(await page.locator(".key-name script, .key-name img").count() === 0, "markup from a key name was rendered");
    assert(await page.evaluate(() => window.pwned === undefined), "a key name's script ran");
  });

  await step("the new key works against the API; usage count and last used update", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await whoami(token);
      assert(r.status === 200, "whoami with the new key: " + r.status);
    }
    await page.reload();
    await page.locator("#keys").waitFor({ state: "visible" });
    const card = page.locator("li.key").filter({ hasText: start.replace("…", "") });
    assert((await card.locator(".f-usage").textContent()) === "3", "usage count " + (await card.locator(".f-usage").textContent()));
    assert((await card.locator(".f-last-used").textContent()) !== "never", "last used still never");
    assert((await card.locator(".f-limits").textContent()).includes("50 per 1 s"), "limits: " + (await card.locator(".f-limits").textContent()));
  });

  await step("rename", async () => {
    const card = page.locator("li.key").filter({ hasText: start.replace("…", "") });
    await card.locator(".rename").click();
    await page.locator("#rename-name").fill("ci renamed");
    await page.locator("#rename-dialog button[value=save]").click();
    await page.locator(".key-name", { hasText: "ci renamed" }).waitFor();
  });

  await step("history shows the key's audit events", async () => {
    const card = page.locator("li.key").filter({ hasText: "ci renamed" });
    await card.locator(".history").click();
    await card.locator(".events li").first().waitFor();
    const text = await card.locator(".events").textContent();
    assert(text.includes("key.created") && text.includes("key.updated"), "history: " + text);
    await card.locator(".history").click(); // and closed again
  });

  let rotated;
  await step("rotate: a new token, and the old key stops working", async () => {
    const card = page.locator("li.key").filter({ hasText: "ci renamed" });
    await card.locator(".rotate").click();
    await page.locator("#rotate-grace").fill("0");
    await page.locator("#rotate-dialog button[value=rotate]").click();
    await page.locator("#issued").waitFor({ state: "visible" });
    rotated = await page.locator("#issued-token").inputValue();
    assert(rotated !== token && rotated.startsWith("sk_"), "rotated token: " + rotated);
    await page.getByRole("button", { name: "Done" }).click();
    assert((await whoami(token)).status === 403, "the old token still works");
    assert((await whoami(rotated)).status === 200, "the new token does not work");
  });

  await step("delete is not done when cancelled", async () => {
    const before = await page.locator("li.key").count();
    await page.locator("li.key").filter({ hasText: "ci renamed" }).locator(".delete").click();
    await page.locator("#confirm-delete button[value=cancel]").click();
    assert(await page.locator("li.key").count() === before, "a key disappeared after Cancel");
    assert((await whoami(rotated)).status === 200, "the key stopped working after Cancel");
  });

  await step("usage: the key's charts add up to its uses, readable at 360 px", async () => {
    for (let i = 0; i < 5; i++) assert((await whoami(rotated)).status === 200, "use " + i);
    const used = 7; // the two uses of the rotation's steps, and these five
    const usageCount = await page.evaluate(async () => {
      const url = new URL("apikeys?limit=100", document.baseURI.replace(/console[^/]*$/, ""));
      const r = await fetch(url, { headers: { Authorization: "Bearer " + sessionStorage.getItem("keygate.apiKey") } });
      return (await r.json()).items.find((k) => k.name === "ci renamed").usageCount;
    });
    assert(usageCount === used, "usageCount " + usageCount + ", want " + used);
    const card = page.locator("li.key").filter({ hasText: "ci renamed" });
    const hourly = card.locator(".usage figure").first();
    // The stream's lag: the chart is opened again until it has caught up (10 s at most).
    const deadline = Date.now() + 10000;
    for (;;) {
      await card.locator(".usage-toggle").click();
      await hourly.locator("figcaption").waitFor();
      const text = await hourly.locator("figcaption").textContent();
      if (text.includes(": " + usageCount + " in all")) break;
      assert(Date.now() < deadline, "the hourly chart says " + JSON.stringify(text) + " after 10 s, want " + usageCount + " uses");
      await card.locator(".usage-toggle").click();
      await page.waitForTimeout(250);
    }
    assert(await card.locator(".f-usage").textContent() === String(usageCount), "the card's usage count is not the key's");
    const daily = card.locator(".usage figure").nth(1);
    assert(await hourly.locator("rect.bar").count() === 48, "hourly bars");
    assert(await daily.locator("rect.bar").count() === 90, "daily bars");
    for (const [name, fig] of [["hourly", hourly], ["daily", daily]]) {
      const cells = await fig.locator("table tbody td").allTextContents();
      const sum = cells.reduce((n, c) => n + Number(c), 0);
      assert(sum === usageCount, name + " table adds up to " + sum + ", want " + usageCount);
      assert(await fig.locator("svg").getAttribute("aria-hidden") === "true" && await fig.locator("table caption").textContent(),
        name + ": the numbers are not in a captioned table for screen readers");
    }
    const tall = (await hourly.locator("rect.bar").evaluateAll((bars) => bars.map((b) => Number(b.getAttribute("height"))))).filter((x) => x > 0);
    assert(tall.length > 0, "no bar drawn for the uses");
    const before = page.viewportSize();
    await page.setViewportSize({ width: 360, height: 780 });
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= 360);
    assert(fits, "the page scrolls sideways at 360 px");
    const box = await hourly.locator("svg").boundingBox();
    assert(box && box.width >= 250 && box.x + box.width <= 360, "the chart at 360 px: " + JSON.stringify(box));
    await card.screenshot({ path: env("USAGE_SCREENSHOT") });
    await page.setViewportSize(before);
    await card.locator(".usage-toggle").click(); // and closed again
  });

  await step("screenshot of the list", async () => {
    await page.screenshot({ path: env("SCREENSHOT"), fullPage: true });
  });

  await step("delete after confirming revokes the key", async () => {
    const before = await page.locator("li.key").count();
    await page.locator("li.key").filter({ hasText: "ci renamed" }).locator(".delete").click();
    await page.locator("#confirm-delete button[value=delete]").click();
    await page.waitForFunction((n) => document.querySelectorAll("li.key").length === n - 1, before);
    assert((await whoami(rotated)).status === 403, "the deleted key still works");
  });

  await step("errors from the API are shown in words", async () => {
    await page.getByRole("button", { name: "Create a new API key" }).click();
    await page.getByLabel("Name", { exact: true }).fill("bad networks");
    await page.getByLabel("Allowed networks (optional, comma separated)").fill("10.1.2.3/8");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator("#error").waitFor({ state: "visible" });
    assert((await page.locator("#error").textContent()).includes("host bits set"), "error: " + (await page.locator("#error").textContent()));
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  await step("every control is labelled and reachable by keyboard", async () => {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input:not([type=hidden])")]
      .filter((i) => !i.labels || i.labels.length === 0).map((i) => i.id || i.name));
    assert(unlabelled.length === 0, "inputs without a label: " + unlabelled);
    const nameless = await page.evaluate(() => [...document.querySelectorAll("button")]
      .filter((b) => !(b.getAttribute("aria-label") || b.textContent.trim())).length);
    assert(nameless === 0, nameless + " buttons without a name");
    await page.reload();
    await page.locator("#keys").waitFor({ state: "visible" });
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement && document.activeElement.id === "new-key");
    }
    assert(reached, "the + button is not reachable with Tab");
  });

  await step("it works 360 px wide", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    await page.locator("#keys").waitFor({ state: "visible" });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, "the page is " + width + " px wide at 360 px");
  });

  await step("an expired sign-in link returns to sign-in with a message", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(env("EXPIRED_LINK"));
    await p.locator("#sign-in").waitFor({ state: "visible" });
    assert(!(await p.locator("#keys").isVisible()), "the key list is visible");
    const msg = await p.locator("#error").textContent();
    assert(msg.includes("already been used or has expired"), "no message: " + msg);
    assert(new URL(p.url()).hash === "", "the fragment is still in the URL: " + p.url());
    assert((await p.evaluate(() => sessionStorage.getItem("keygate.apiKey"))) === null, "the refused key is kept");
    await other.close();
  });

  // The same link again: in the signed-in tab (only the fragment changes,
  // no new load) and loaded afresh in another tab.
  for (const [how, open] of [
    ["in the signed-in tab", async () => { await page.goto(env("CONSOLE_LINK")); return page; }],
    ["loaded afresh", async () => { const p = await context.newPage(); await p.goto(env("CONSOLE_LINK")); return p; }],
  ]) {
    await step("opening the same link again is refused, " + how, async () => {
      const p = await open();
      await p.locator("#sign-in").waitFor({ state: "visible" });
      assert(!(await p.locator("#keys").isVisible()), "the key list is visible");
      const msg = await p.locator("#error").textContent();
      assert(msg.includes("already been used or has expired"), "no message: " + msg);
      assert(new URL(p.url()).hash === "", "the fragment is still in the URL: " + p.url());
      assert((await p.evaluate(() => sessionStorage.getItem("keygate.apiKey"))) === null, "a key is kept after a refused link");
    });
  }

  await step("no script error on the page", async () => {
    const real = pageErrors.filter((e) => !e.includes("status of 400") && !e.includes("status of 403"));
    assert(real.length === 0, "errors: " + real.join("; "));
  });
} catch {
  exitCode = 1;
} finally {
  await browser.close();
}
process.exit(exitCode);
