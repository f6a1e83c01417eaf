// The browser half of tests/osticket/browser/run.sh (which sets the
// environment up): for each download mode, a fresh headless Chromium logs
// in as the admin agent, opens the ticket, checks the inline image, plays
// the WAV attachment and seeks in it, reloads the page, and counts what
// reached Apache (its access log) and the store (the request recorder's
// log). Prints each failed check and "N passed, M failed"; exits 1 on any
// failure. Screenshots go to OST_ARTIFACTS.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`drive.mjs: ${name} is not set: run tests/osticket/browser/run.sh`);
    process.exit(1);
  }
  return value;
};
const URL_BASE = env('OST_URL');
const ticket = JSON.parse(fs.readFileSync(env('OST_TICKET_JSON'), 'utf8'));
const image = ticket.files['chart.png'];
const audio = ticket.files['voicemail.wav'];
const ARTIFACTS = env('OST_ARTIFACTS');
// Flags for Chromium as root in a container, without its own network
// traffic; autoplay without a gesture so the test can start playback from
// script; every host name but 127.0.0.1 unresolvable, so that the staff
// page's avatars (gravatar) and the like never leave the machine. (Not
// Playwright's request routing: it turns the HTTP cache off.)
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

let passed = 0;
const failures = [];
let current = '';
function check(ok, what, detail = '') {
  if (ok) {
    passed++;
  } else {
    const line = `${current}: ${what}${detail ? ` (${detail})` : ''}`;
    failures.push(line);
    console.log(`  FAIL ${line}`);
  }
  return ok;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** GETs of one object that reached the store (the recorder logs "GET /bucket/key?query HTTP/1.1"). */
function storeGets(objectKey) {
  const lines = fs.existsSync(env('OST_STORE_LOG')) ? fs.readFileSync(env('OST_STORE_LOG'), 'utf8').split('\n') : [];
  return lines.filter((line) => {
    const [method, target] = line.split(' ');
    return method === 'GET' && decodeURIComponent((target || '').split('?')[0]).endsWith(objectKey);
  }).length;
}

/** Apache's access log lines for file.php links to one file: {status, bytes, range, micros}. */
function accessLines(fileKey, from = 0) {
  const re = /^\S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3}) (\S+) (\d+) "([^"]*)"$/;
  return fs.readFileSync(env('OST_ACCESS_LOG')).subarray(from).toString('latin1').split('\n').map((line) => line.match(re))
    .filter((m) => m && m[2].startsWith('/file.php?')
      && new URLSearchParams(m[2].split('?')[1]).get('key') === fileKey.toLowerCase())
    .map((m) => ({ method: m[1], status: Number(m[3]), bytes: m[4], micros: Number(m[5]), range: m[6] }));
}

/** Whether a URL is file.php's link to the file or the file's object at the store (keys may hold '=', sent as %3D). */
function names(url, file) {
  const u = new URL(url);
  return u.searchParams.get('key') === file.key.toLowerCase() || decodeURIComponent(u.pathname).endsWith(file.object_key);
}

/** Every request the page made, from the DevTools protocol: url, Range, status, whether the cache served it. */
async function recordNetwork(context, page) {
  const byId = new Map();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => {
    byId.set(e.requestId, { url: e.request.url, range: e.request.headers.Range || e.request.headers.range || '',
      status: null, fromCache: false, redirectedFrom: e.redirectResponse ? e.redirectResponse.status : null });
  });
  cdp.on('Network.requestServedFromCache', (e) => { if (byId.get(e.requestId)) byId.get(e.requestId).fromCache = true; });
  cdp.on('Network.responseReceived', (e) => {
    const r = byId.get(e.requestId);
    if (r) {
      r.status = e.response.status;
      r.fromCache = r.fromCache || e.response.fromDiskCache || false;
    }
  });
  return () => [...byId.values()].filter(Boolean);
}

async function login(page) {
  await page.goto(`${URL_BASE}/scp/login.php`);
  await page.fill('input[name=userid]', env('OST_ADMIN_USER'));
  await page.fill('input[name=passwd]', env('OST_ADMIN_PASS'));
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login.php')), page.click('button[type=submit]')]);
  check(await page.locator('a[href*="logout.php"]').count() > 0, 'logged in as the admin agent', page.url());
}

/** Waits for the thread's inline image; returns its natural size and src. */
async function inlineImage(page) {
  const img = page.locator(`img[data-cid="${image.key}"]`).first();
  await img.waitFor({ state: 'attached' });
  await page.waitForFunction((key) => {
    const el = document.querySelector(`img[data-cid="${key}"]`);
    return el && el.complete && el.naturalWidth > 0;
  }, image.key, { timeout: 15000 }).catch(() => {});
  return img.evaluate((el) => ({ width: el.naturalWidth, height: el.naturalHeight, src: el.currentSrc }));
}

/** Plays the attachment in an <audio> added under its link, seeks to 42 s, plays on; what the element saw. */
async function playAndSeek(page, href) {
  return page.evaluate(async (href) => {
    const waitFor = (cond, ms) => new Promise((resolve) => {
      const t0 = performance.now();
      const poll = () => (cond() || performance.now() - t0 > ms ? resolve(cond()) : setTimeout(poll, 50));
      poll();
    });
    const link = [...document.querySelectorAll('a.filename')].find((a) => a.getAttribute('href') === href);
    const el = document.createElement('audio');
    el.controls = true;
    el.preload = 'metadata';
    el.style.cssText = 'display:block;width:480px;margin:8px 0';
    el.src = href;
    link.closest('.attachments').after(el);
    const out = { error: null };
    try {
      await el.play();
    } catch (e) {
      out.error = `play(): ${e.name}: ${e.message}`;
    }
    out.played = await waitFor(() => el.currentTime > 0.5, 10000);
    out.duration = el.duration;
    out.beforeSeek = el.currentTime;
    const seeked = new Promise((resolve) => el.addEventListener('seeked', () => resolve(true), { once: true }));
    el.currentTime = 42;
    out.seeked = await Promise.race([seeked, new Promise((resolve) => setTimeout(() => resolve(false), 10000))]);
    out.playedAfterSeek = await waitFor(() => el.currentTime > 42.5, 10000);
    out.afterSeek = el.currentTime;
    out.mediaError = el.error ? `${el.error.code} ${el.error.message}` : null;
    out.buffered = [...Array(el.buffered.length).keys()].map((i) => [el.buffered.start(i), el.buffered.end(i)]);
    return out;
  }, href);
}

async function runMode(mode) {
  current = mode;
  console.log(`${mode} mode:`);
  execFileSync(env('OST_PHP'), [env('OST_PREPARE'), 'mode', mode, env('OST_RECORDER')], { stdio: 'inherit' });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 's3a-chromium-')); // a new, empty profile and cache
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(20000);
  const t0 = Date.now();
  const logFrom = fs.statSync(env('OST_ACCESS_LOG')).size; // this mode's lines only
  const step = (what) => console.log(`  ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  try {
    const page = context.pages()[0] || await context.newPage();
    const requests = await recordNetwork(context, page);
    await login(page);
    step('logged in');

    const imageGets0 = storeGets(image.object_key);
    await page.goto(`${URL_BASE}/scp/tickets.php?id=${ticket.ticket_id}`);
    const first = await inlineImage(page);
    check(first.width === 360 && first.height === 120, 'the inline image shows (360x120)', JSON.stringify(first));
    await page.screenshot({ path: path.join(ARTIFACTS, `${mode}-1-ticket.png`), fullPage: true });
    step('ticket page shown');
    const imageGets1 = storeGets(image.object_key);
    check(imageGets1 - imageGets0 === 1, 'the first view read the image from the store once',
      `${imageGets1 - imageGets0} GETs`);
    const imageRequests = requests().filter((r) => names(r.url, image));
    if (mode === 'redirect') {
      check(imageRequests.some((r) => r.redirectedFrom === 302 && r.url.startsWith(env('OST_RECORDER')) && r.status === 200),
        'the browser followed a 302 to a signed URL at the store', JSON.stringify(imageRequests));
    } else {
      check(imageRequests.some((r) => r.url.startsWith(URL_BASE) && r.status === 200),
        'the image came from file.php (200)', JSON.stringify(imageRequests));
    }

    const href = await page.locator('a.filename', { hasText: 'voicemail.wav' }).first().getAttribute('href');
    const audioGets0 = storeGets(audio.object_key);
    const media = await playAndSeek(page, href);
    step('played and seeked');
    console.log(`  audio: ${JSON.stringify(media)}`);
    check(media.error === null && media.mediaError === null, 'the WAV plays without error', `${media.error} ${media.mediaError}`);
    check(Math.abs(media.duration - 60) < 0.5, 'the element sees the whole 60 s', String(media.duration));
    check(media.played, 'playback advances', String(media.beforeSeek));
    check(media.seeked && media.playedAfterSeek, 'a seek to 42 s lands and playback goes on from there', String(media.afterSeek));
    await page.screenshot({ path: path.join(ARTIFACTS, `${mode}-2-playing.png`), fullPage: true });
    const audioRequests = requests().filter((r) => names(r.url, audio));
    console.log(`  audio requests seen by the browser: ${JSON.stringify(audioRequests.map((r) => [r.status, r.range, r.url.slice(0, 40)]))}`);
    check(audioRequests.some((r) => r.status === 206 && /^bytes=[1-9]\d*-/.test(r.range)),
      'the seek was a ranged request answered 206', JSON.stringify(audioRequests.map((r) => [r.status, r.range])));
    check(storeGets(audio.object_key) > audioGets0, 'the audio was read from the store');

    const imageGets2 = storeGets(image.object_key);
    const seenBefore = requests().length;
    await page.reload();
    const second = await inlineImage(page);
    check(second.width === 360, 'after a reload the image shows again', JSON.stringify(second));
    await page.screenshot({ path: path.join(ARTIFACTS, `${mode}-3-reloaded.png`), fullPage: true });
    step('reloaded');
    await sleep(300); // a late request would reach the recorder's log by now
    const reloadGets = storeGets(image.object_key) - imageGets2;
    const reloaded = requests().slice(seenBefore)
      .filter((r) => names(r.url, image));
    console.log(`  reload: ${reloadGets} store GETs for the image; browser: ${JSON.stringify(reloaded.map((r) => [r.status, r.fromCache, r.url.slice(0, 40)]))}`);
    if (mode === 'redirect') {
      check(reloadGets === 0, 'on reload no request for the image reaches the store', `${reloadGets} GETs`);
      check(reloaded.some((r) => r.url.startsWith(env('OST_RECORDER')) && r.fromCache),
        "the browser took the signed URL's image from its cache", JSON.stringify(reloaded));

      // The control: with 1 s signing windows (url-ttl 2) a reload in the
      // next window gets a new URL, which no cache holds, so the store sees
      // it; the counting above would have seen a miss.
      execFileSync(env('OST_PHP'), [env('OST_PREPARE'), 'mode', mode, env('OST_RECORDER'), '2'], { stdio: 'inherit' });
      await page.reload();
      await inlineImage(page);
      await sleep(1100);
      const missBefore = storeGets(image.object_key);
      await page.reload();
      const third = await inlineImage(page);
      await sleep(300);
      const missGets = storeGets(image.object_key) - missBefore;
      console.log(`  control, 1 s windows: a reload in the next window made ${missGets} store GETs for the image`);
      check(third.width === 360 && missGets === 1, 'control: with 1 s signing windows a later reload does reach the store',
        `${missGets} GETs, ${JSON.stringify(third)}`);
    } else {
      check(reloadGets === 0, 'on reload the image costs no store read (cache or 304)', `${reloadGets} GETs`);
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }

  if (mode === 'proxy') {
    // Apache writes a line when a request ends: the media requests the
    // browser left open end when it closes.
    let lines = [];
    for (let i = 0; i < 50; i++) {
      lines = accessLines(audio.key, logFrom);
      if (lines.some((l) => l.status === 206 && /^bytes=[1-9]/.test(l.range))) break;
      await sleep(100);
    }
    console.log(`  access log, file.php for the WAV: ${JSON.stringify(lines.map((l) => `${l.status} ${l.range} ${l.bytes}`))}`);
    check(lines.length > 0 && lines.every((l) => l.status === 206 || (l.status === 200 && l.range === '-')),
      'Apache answered every ranged request for the media with 206', JSON.stringify(lines));
    check(lines.some((l) => l.status === 206 && /^bytes=[1-9]\d*-/.test(l.range)),
      "Apache's log shows the seek: a 206 for a range past the start", JSON.stringify(lines));
  } else {
    const lines = accessLines(audio.key, logFrom);
    check(lines.length > 0 && lines.every((l) => l.status === 302), 'Apache answered the media link with 302s',
      JSON.stringify(lines));
  }
  console.log(`  ${mode} mode took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

for (const mode of ['proxy', 'redirect']) {
  try {
    await runMode(mode);
  } catch (e) {
    check(false, 'ran to the end', e.stack || String(e));
  }
}
console.log(`\n${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
