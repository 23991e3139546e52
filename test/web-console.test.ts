/**
 * The web console in a real browser: Debian's chromium (headless, --no-sandbox) driven by
 * playwright-core against a real gateway on loopback with digits-mlp. A test image is picked,
 * the proof watched until proved, verified in the page (valid), a flipped byte (invalid); then
 * attacks from a lying gateway (answers rewritten in flight by the browser): another job's valid
 * proof passed off as this input's, and markup in a model name. Also: a screenshot
 * (build/web-console.png), a phone width without horizontal overflow, axe-core (WCAG 2 A/AA) with
 * no serious or critical violation, and every control reachable by Tab.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { createRequire } from "node:module";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";
import { buildWebConsole, webCacheDir } from "../server/web/index.ts";
import { DIGIT_SAMPLES } from "../web/src/digit-samples.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { PACKAGE_ROOT } from "../prover/paths.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`);
  [server, browser] = await Promise.all([
    startTestServer({ models: ["digits-mlp", "tabular-breast-cancer"] }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] }),
    buildWebConsole(webCacheDir()),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(o: { bypassCSP?: boolean; width?: number } = {}): Promise<Page> {
  const ctx = await browser.newContext({ bypassCSP: o.bypassCSP ?? false, viewport: { width: o.width ?? 1200, height: 900 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${server.url}/`);
  await expect.poll(() => page.locator("#model-select option").count(), { timeout: 20_000 }).toBe(2);
  return page;
}

/** Picks test image `i`, infers, and waits for the proof; returns the request id. */
async function proveSample(page: Page, i: number): Promise<string> {
  await page.selectOption("#sample-select", String(i));
  await page.click("#run");
  await page.locator("#proof-status").filter({ hasText: "proved" }).waitFor({ timeout: 60_000 });
  const first = await page.locator("#timeline li").first().textContent();
  return /request ([0-9a-f-]+)/.exec(first ?? "")![1]!;
}

describe("the web console", () => {
  it("serves the page and its assets from the gateway, with a strict CSP and nothing from elsewhere", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//); // no CDN, no external font
    for (const a of ["/assets/app.js", "/assets/style.css"]) expect((await fetch(`${server.url}${a}`)).status).toBe(200);
    // A second build finds every input unchanged: no esbuild run.
    expect((await buildWebConsole(webCacheDir())).built).toBe(false);
  });

  it("rebuilds when the inputs no longer hash to the cached build's key", async () => {
    const dir = makeTempDir("zkinfer-web-");
    try {
      cpSync(webCacheDir(), dir.path, { recursive: true });
      const current = JSON.parse(readFileSync(path.join(dir.path, "current.json"), "utf8"));
      expect((await buildWebConsole(dir.path)).built).toBe(false);
      // As if the cached build were of other sources (a file changed since): today's inputs hash to another key.
      writeFileSync(path.join(dir.path, "current.json"), JSON.stringify({ ...current, key: "0".repeat(64) }));
      expect(await buildWebConsole(dir.path)).toMatchObject({ built: true, key: current.key });
      // An input esbuild read that is gone: rebuild too.
      writeFileSync(path.join(dir.path, "current.json"), JSON.stringify({ ...current, inputs: { ...current.inputs, "web/src/gone.ts": "0".repeat(64) } }));
      expect((await buildWebConsole(dir.path)).built).toBe(true);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it("offers the data set's test images as they are", () => {
    const test = splitDigits(loadDigits()).test;
    for (const s of DIGIT_SAMPLES) expect(test[s.testIndex]).toEqual({ pixels: s.pixels, label: s.label });
    expect(testDigits(1)[0]).toBeDefined();
  });

  it("infers, watches the proof to proved, verifies it here; a flipped byte is invalid; a11y, phone width, keyboard", async () => {
    const page = await open({ bypassCSP: true }); // bypass only so the test can inject axe-core
    await proveSample(page, 3);
    await expect.poll(() => page.locator("#answer").textContent()).toContain("3");
    const steps = (await page.locator("#timeline li").allTextContents()).map((t) => t.split(" ")[0]);
    // Each status once, in order, as the answer and the events report them (an idle prover may skip queued).
    expect(steps).toEqual(["answer", "queued", "proving", "proved"].filter((s) => s === "answer" || s === "proved" || steps.includes(s)));
    expect(await page.locator("#scores > span").count()).toBe(20); // ten labels, ten values

    await page.click("#verify-btn");
    await page.locator("#verdict.valid").waitFor({ timeout: 30_000 });
    expect(await page.locator("#checks li.bad").count()).toBe(0);
    const checks = (await page.locator("#checks li").allTextContents()).join("\n");
    for (const c of ["vkeyHash", "modelId", "groth16", "input commitment of this input", "outputs shown"]) expect(checks).toContain(c);
    mkdirSync(path.join(PACKAGE_ROOT, "build"), { recursive: true });
    await page.screenshot({ path: path.join(PACKAGE_ROOT, "build", "web-console.png"), fullPage: true });

    await page.click("#tamper-btn");
    await page.locator("#verdict.invalid").waitFor({ timeout: 30_000 });
    expect(await page.locator("#verdict").textContent()).toMatch(/^Invalid/);

    await page.click("#refresh-btn");
    await expect.poll(() => page.locator("#jobs tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("#latency-chart svg rect").count()).toBeGreaterThan(0);

    // axe-core, WCAG 2.0/2.1 A and AA (contrast included): no serious or critical violation.
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
      return r.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical").map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target).join(", ")}`);
    });
    expect(violations).toEqual([]);

    // Every enabled control is reached by Tab.
    const controls = await page.$$eval("button:not([disabled]), select, input, textarea, a[href]", (es) => es.map((e) => e.id || e.getAttribute("href")!));
    const reached = new Set<string>();
    for (let i = 0; i < controls.length + 10; i++) {
      await page.keyboard.press("Tab");
      reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute("href") || ""));
    }
    expect(controls.filter((c) => !reached.has(c))).toEqual([]);

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(PACKAGE_ROOT, "build", "web-console-phone.png"), fullPage: true });
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }, 90_000);

  it("draws a digit: the drawing is downscaled to 8×8 pixels 0..16 with its ink centred", async () => {
    const page = await open();
    await page.locator("#draw-canvas").scrollIntoViewIfNeeded();
    const box = (await page.locator("#draw-canvas").boundingBox())!;
    // A vertical bar, a "1", in the left third of the pad.
    await page.mouse.move(box.x + 40, box.y + 30);
    await page.mouse.down();
    for (let y = 30; y <= 200; y += 10) await page.mouse.move(box.x + 40, box.y + y);
    await page.mouse.up();
    await page.click("#run");
    await page.locator("#proof-status").filter({ hasText: "proved" }).waitFor({ timeout: 60_000 });
    const first = (await page.locator("#timeline li").first().textContent())!;
    const id = /request ([0-9a-f-]+)/.exec(first)![1]!;
    const record = await (await fetch(`${server.url}/v1/proofs/${id}`)).json();
    await page.click("#verify-btn");
    await page.locator("#verdict.valid").waitFor({ timeout: 30_000 });
    expect(record.status).toBe("proved");
    const pixels: number[] = await page.evaluate(() => (window as any).__zkinferLastInput);
    expect(pixels).toHaveLength(64);
    // Drawn at the pad's left, it is centred like the data set's digits: ink in columns 3 and 4
    // of every row (a bar ~3.5 bitmap pixels wide: 4x4 blocks holding 7..8 each), none elsewhere.
    for (let row = 0; row < 8; row++) {
      const r = pixels.slice(row * 8, row * 8 + 8);
      expect([...r.slice(0, 3), ...r.slice(5)].every((p) => p === 0), `row ${row}: ${r}`).toBe(true);
      expect(r[3]! + r[4]!, `row ${row}: ${r}`).toBeGreaterThanOrEqual(12);
    }
  }, 90_000);

  it("the tabular model: a form of the raw features, the score and its label, verified here", async () => {
    const page = await open();
    await page.selectOption("#model-select", { label: "tabular-breast-cancer" });
    await page.fill("#feature-0", "25"); // a large mean radius
    await page.click("#run");
    await page.locator("#proof-status").filter({ hasText: "proved" }).waitFor({ timeout: 60_000 });
    expect(await page.locator("#answer").textContent()).toMatch(/Score p = [0-9.]+ .*→ (benign|malignant)/);
    await page.click("#verify-btn");
    await page.locator("#verdict.valid").waitFor({ timeout: 30_000 });
    await page.fill("#feature-1", "");
    await page.click("#run");
    expect(await page.locator("#run-error").textContent()).toMatch(/mean_texture: enter a number/);
  }, 90_000);

  it("a lying gateway: another input's valid proof, passed off as this one's, is invalid here", async () => {
    const page = await open();
    const idA = await proveSample(page, 3);
    const recordA = await (await fetch(`${server.url}/v1/proofs/${idA}`)).json();
    // From now on the gateway answers every proof (stream or record) with job A's valid proof.
    const lie = (id: string) => ({ ...recordA, requestId: id });
    await page.route(/\/v1\/proofs\/[^/]+\/events$/, (route) => {
      const id = /proofs\/([^/]+)\/events/.exec(route.request().url())![1]!;
      return route.fulfill({ status: 200, contentType: "text/event-stream", body: `event: status\ndata: ${JSON.stringify(lie(id))}\n\n` });
    });
    await page.selectOption("#sample-select", "7");
    await page.click("#run");
    await page.locator("#proof-status").filter({ hasText: "proved" }).waitFor({ timeout: 30_000 });
    await page.click("#verify-btn");
    await page.locator("#verdict.invalid").waitFor({ timeout: 30_000 });
    const bad = await page.locator("#checks li.bad").allTextContents();
    expect(bad.join("\n")).toContain("input commitment of this input");
  }, 90_000);

  it("a hostile model name is shown as text, never parsed as HTML", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const evil = `<img src=x id=pwned onerror="document.title='pwned'">`;
    await page.route(/\/v1\/models$/, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.models[0].name = evil;
      body.models[0].setup = { ...body.models[0].setup, ptau: evil };
      return route.fulfill({ response: res, json: body });
    });
    await page.goto(`${server.url}/`);
    await page.locator("#model-cards h3").first().waitFor();
    expect(await page.locator("#model-cards h3").first().textContent()).toBe(evil);
    expect(await page.locator("#pwned").count()).toBe(0);
    expect(await page.locator("#model-select option").first().textContent()).toBe(evil);
    expect(await page.title()).toBe("zkinfer console");
  }, 60_000);
});
