// Drives the API Keys page's sign-in with an OpenID provider in real
// Chromium (playwright-core, Debian's chromium): the page sends the browser
// to the provider's authorization endpoint with a PKCE challenge, comes
// back with a code, exchanges it with the verifier for an access token and
// lists the user's keys with it. go test ./e2e/
// (TestConsoleProviderSignInInChromium) runs it with:
//   KEYGATE_URL   the gateway's base URL (a stack with JwtConsoleClientId)
//   PROVIDER_URL  the stand-in provider's issuer
//   CHROMIUM      the browser executable
// It prints one line per step and exits 1 at the first failure.
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(name + " is not set");
  return v;
};
const base = env("KEYGATE_URL");
const providerURL = env("PROVIDER_URL");
const step = async (name, fn) => {
  try {
    await fn();
    console.log("ok   " + name);
  } catch (e) {
    console.log("FAIL " + name + ": " + (e && e.stack ? e.stack : e));
    throw e;
  }
};
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
let exitCode = 0;
try {
  const page = await (await browser.newContext()).newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
  const visited = [];
  page.on("request", (r) => { if (r.isNavigationRequest()) visited.push(r.url()); });

  await step("the page offers the provider's sign-in, and its CSP lets it reach the token endpoint only", async () => {
    const resp = await page.goto(base + "/open/console");
    const csp = resp.headers()["content-security-policy"] || "";
    assert(csp.includes("connect-src 'self' " + providerURL + ";"), "CSP: " + csp);
    await page.locator("#provider-button").waitFor({ state: "visible" });
  });
  await step("signing in goes to the provider with a PKCE challenge and comes back signed in", async () => {
    await page.click("#provider-button");
    await page.locator("#keys").waitFor({ state: "visible" });
    const authorize = visited.find((u) => u.startsWith(providerURL + "/authorize"));
    assert(authorize, "no visit to the authorization endpoint: " + visited.join(", "));
    const q = new URL(authorize).searchParams;
    assert(q.get("code_challenge_method") === "S256" && q.get("code_challenge").length === 43, "challenge: " + authorize);
    assert(q.get("client_id") === "console" && q.get("redirect_uri") === base + "/open/console", "client or redirect: " + authorize);
    assert(!q.has("client_secret"), "a client secret was sent");
  });
  await step("the code leaves the address bar, and the token stays in this tab only", async () => {
    assert(!page.url().includes("code="), "address bar: " + page.url());
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem("keygate.apiKey"), local: localStorage.length }));
    assert(stored.session && stored.session.split(".").length === 3, "session storage: " + stored.session);
    assert(stored.local === 0, "localStorage holds " + stored.local + " items");
  });
  await step("the list is the user's keys, read with the access token", async () => {
    await page.locator("#key-list li").first().waitFor({ state: "visible" });
    const names = await page.locator("#key-list li .key-name").allTextContents();
    assert(names.includes("test key"), "names: " + names.join(", "));
  });
  await step("a forged return (another state) does not sign in", async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(base + "/open/console?code=forged&state=not-this-tabs");
    await page.locator("#sign-in").waitFor({ state: "visible" });
    assert(!page.url().includes("code="), "address bar: " + page.url());
    assert(!(await page.evaluate(() => sessionStorage.getItem("keygate.apiKey"))), "signed in with a forged code");
  });
  await step("no script error on the page", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });
} catch {
  exitCode = 1;
} finally {
  await browser.close();
}
process.exit(exitCode);
