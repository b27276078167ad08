// The operations page end to end (issue 15, "How it is checked"): the real gateway and a real
// referrer-sim on 127.0.0.1, certificates made now, data seeded through the FHIR API, and the page
// loaded in Debian's chromium (playwright-core, executablePath set) with the operator's client
// certificate. Checks every panel against the seeded data, the CSV export, the retry of a dead
// letter (delivered to referrer-sim afterwards), the refusal of a referrer certificate, that no
// patient identifier reaches the page, and that no request leaves loopback.
//
// Run by ctest (tests/browser/run.sh). Needs RG_GATEWAY, RG_GATEWAYCTL, RG_REFERRER_SIM,
// RG_SOURCE_DIR, RG_CHROMIUM (default /usr/bin/chromium) and RG_ARTEFACTS (screenshots, git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import * as h from './gateway_harness.mjs';

const env = (name, fallback) => process.env[name] || fallback || assert.fail(`${name} is not set`);
const gatewayBinary = env('RG_GATEWAY');
const gatewayctl = env('RG_GATEWAYCTL');
const simBinary = env('RG_REFERRER_SIM');
const chromiumPath = env('RG_CHROMIUM', '/usr/bin/chromium');
const artefacts = env('RG_ARTEFACTS');
const sourceDir = env('RG_SOURCE_DIR');
const fixture = readFileSync(path.join(sourceDir, 'tests/data/core/servicerequest-contained.json'), 'utf8');
const nhsNumber = '9434765919';  // the fixture's patient: must never reach the page
const businessStatus = 'https://referral-gateway.example.org/fhir/CodeSystem/business-status';

let dir, certs, sim, gateway, port, pageUrl, browser;
const referrals = [];

async function startSim(flags, simPort = 0) {
  return h.startListening(simBinary, ['--cert', path.join(certs, 'server.crt'), '--key', path.join(certs, 'server.key'),
    '--client-ca', path.join(certs, 'ca.crt'), '--out', path.join(dir, 'received.jsonl'), '--port', String(simPort),
    ...flags]);
}

const api = (who, method, target, body, headers) => h.request(port, certs, who, method, target, body, headers);
const json = (r) => JSON.parse(r.body);

async function moveTask(referralId, status, business) {
  const found = json(await api('platform', 'GET', `/fhir/Task?based-on=ServiceRequest/${referralId}`));
  const id = found.entry[0].resource.id;
  const read = await api('platform', 'GET', `/fhir/Task/${id}`);
  const task = json(read);
  delete task.meta;
  task.status = status;
  task.businessStatus = { coding: [{ system: businessStatus, code: business }] };
  const put = await api('platform', 'PUT', `/fhir/Task/${id}`, JSON.stringify(task), { 'If-Match': read.headers.etag });
  assert.equal(put.status, 200, put.body);
}

async function postScore(referral, loinc, value, when) {
  const observation = {
    resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    subject: { reference: referral.patient }, basedOn: [{ reference: `ServiceRequest/${referral.id}` }],
    effectiveDateTime: when, valueInteger: value,
  };
  const r = await api('platform', 'POST', '/fhir/Observation', JSON.stringify(observation));
  assert.equal(r.status, 201, r.body);
}

const outboxItems = async (state) =>
  json(await api('operator', 'GET', `/ops/outbox?state=${state}&channel=feedback`)).items;

before(async () => {
  mkdirSync(artefacts, { recursive: true });
  dir = h.tempDir();
  certs = h.makeCertificates(gatewayctl, dir);
  sim = await startSim(['--answer-400']);  // every feedback message is refused: a dead letter
  gateway = await h.startListening(gatewayBinary, [
    '--config', path.join(sourceDir, 'config/gateway.json'),
    '--set', 'listen.address=127.0.0.1', '--set', 'listen.port=0', '--set', 'ops.port=0',
    '--set', `listen.tls.cert=${certs}/server.crt`, '--set', `listen.tls.key=${certs}/server.key`,
    '--set', `listen.tls.client_ca=${certs}/ca.crt`, '--set', `revocation.crl_files=["${certs}/ca.crl"]`,
    '--set', `storage.path=${dir}/gateway.db`, '--set', `platform.events_jsonl=${dir}/events.jsonl`,
    '--set', 'referrers.0.delivery=fhir-message',
    '--set', `referrers.0.endpoint=https://localhost:${sim.listening.https}/fhir/$process-message`,
    '--set', `delivery.client_cert=${certs}/client-gateway.crt`, '--set', `delivery.client_key=${certs}/client-gateway.key`,
    '--set', `delivery.server_ca=${certs}/ca.crt`, '--set', 'delivery.retry_base_ms=50', '--set', 'delivery.retry_cap_ms=500',
    '--set', 'runtime.io_threads=2']);
  port = gateway.listening.https;
  pageUrl = gateway.listening.ops_page;
  assert.equal(pageUrl, `https://127.0.0.1:${port}/ops/page`);

  // Seed through the FHIR API: three referrals from practice-a (A81001), each urgent with risk
  // flags (the fixture's answers); the first is triaged and contacted, and has PHQ-9 and GAD-7
  // scores that make a reliable recovery.
  for (const n of [1, 2, 3]) {
    const r = await api('practice-a', 'POST', '/fhir/ServiceRequest', fixture.replace('REF-2024-0001', `REF-OPS-${n}`));
    assert.equal(r.status, 201, r.body);
    const sr = json(r);
    referrals.push({ id: sr.id, patient: sr.subject.reference });
  }
  await moveTask(referrals[0].id, 'accepted', 'triaged-step-2');
  await moveTask(referrals[0].id, 'in-progress', 'first-contact-made');
  await postScore(referrals[0], '44261-6', 18, '2026-01-05T09:00:00Z');
  await postScore(referrals[0], '70274-6', 15, '2026-01-05T09:05:00Z');
  await postScore(referrals[0], '44261-6', 7, '2026-03-02T09:00:00Z');
  await postScore(referrals[0], '70274-6', 6, '2026-03-02T09:05:00Z');
  // The first feedback message is refused with 400 and parked; the rest of its referral waits behind it.
  await h.eventually(async () => (await outboxItems('dead')).length === 1, 'one dead letter');

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  await h.stop(gateway);
  await h.stop(sim);
  if (dir) h.removeDir(dir);
});

async function operatorPage(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({
    viewport, ignoreHTTPSErrors: true, acceptDownloads: true,
    clientCertificates: [{ origin: `https://127.0.0.1:${port}`, certPath: `${certs}/client-operator.crt`,
      keyPath: `${certs}/client-operator.key` }],
  });
  const page = await context.newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, requested, errors };
}

// The rows of one table as the page shows them: {column: text}.
async function tableRows(page, name) {
  return page.$$eval(`table[data-name="${name}"] tbody tr`, (trs) => trs.map((tr) => {
    const row = {};
    for (const td of tr.querySelectorAll('td[data-column]')) row[td.dataset.column] = td.textContent;
    return row;
  }));
}

async function loaded(page, after = '') {
  await page.waitForFunction((prev) => document.body.dataset.generatedAt && document.body.dataset.generatedAt !== prev,
    after, { timeout: 30000 });
}

test('the operator sees every panel with the seeded figures, and nothing leaves loopback', async () => {
  const { context, page, requested, errors } = await operatorPage();
  const response = await page.goto(pageUrl);
  assert.equal(response.status(), 200);
  await loaded(page);
  const week = new Date();
  week.setUTCDate(week.getUTCDate() - ((week.getUTCDay() + 6) % 7));
  const weekStart = week.toISOString().slice(0, 10);

  assert.deepEqual(await tableRows(page, 'referrals_per_week'),
    [{ week_start: weekStart, organisation: 'A81001', referrals: '3' }]);
  const waits = await tableRows(page, 'waiting_times');
  assert.equal(waits.length, 1);
  assert.equal(waits[0].referrals, '3');
  assert.equal(waits[0].triaged, '1');
  assert.equal(waits[0].contacted, '1');
  assert.ok(Number(waits[0].triage_median_hours) >= 0 && waits[0].triage_median_hours === waits[0].triage_p90_hours);

  const waiting = await tableRows(page, 'not_yet_accepted');
  assert.equal(waiting.length, 2, 'the two referrals not accepted, both urgent with risk flags');
  for (const row of waiting) {
    assert.equal(row.organisation, 'A81001');
    assert.equal(row.priority, 'urgent');
    assert.match(row.flags, /risk-to-self/);
    assert.equal(row.overdue, 'no');
  }
  assert.ok(waiting[0].waiting_since <= waiting[1].waiting_since, 'oldest first');

  assert.deepEqual(await tableRows(page, 'task_status'),
    [{ status: 'requested', tasks: '2' }, { status: 'in-progress', tasks: '1' }]);

  const outbox = await tableRows(page, 'outbox');
  const feedbackRow = outbox.find((r) => r.channel === 'feedback' && r.destination === 'A81001');
  assert.ok(feedbackRow, JSON.stringify(outbox));
  assert.equal(feedbackRow.dead, '1');
  assert.match(feedbackRow.last_error, /400/);
  assert.equal(feedbackRow.dead_items, (await outboxItems('dead'))[0].id);

  const feedback = await tableRows(page, 'feedback');
  assert.equal(feedback.length, 1);
  assert.equal(feedback[0].organisation, 'A81001');
  assert.equal(feedback[0].dead, '1');
  assert.equal(feedback[0].delivered, '0');
  assert.equal(Number(feedback[0].pending), (await outboxItems('pending')).length);

  assert.deepEqual(await tableRows(page, 'outcomes'), [{
    organisation: 'A81001', referrals_with_scores: '1', recovery_eligible: '1', recovered: '1',
    recovery_rate_percent: '100', improvement_known: '1', reliable_improvement: '1', improvement_rate_percent: '100',
    deterioration_known: '1', reliable_deterioration: '0', deterioration_rate_percent: '0',
  }]);

  // The page shows what the JSON endpoint answers (one source), and no patient identifier.
  const report = json(await api('operator', 'GET', '/ops/pathway'));
  const shown = await tableRows(page, 'referrals_per_week');
  assert.equal(String(report.tables[0].rows[0][2]), shown[0].referrals);
  const text = await page.textContent('body');
  assert.ok(!text.includes(nhsNumber) && !text.includes('Alex') && !text.includes(referrals[0].patient.split('/')[1]));

  // Charts drawn from the embedded Chart.js; every control labelled; tables keyboard-scrollable.
  assert.equal(await page.evaluate(() => typeof Chart), 'function');
  assert.equal(await page.$$eval('input', (xs) => xs.filter((x) => !x.labels || x.labels.length === 0).length), 0);
  assert.equal(await page.$$eval('canvas', (xs) => xs.filter((x) => !x.getAttribute('aria-label')).length), 0);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'from');
  await page.screenshot({ path: path.join(artefacts, 'ops-page-1280x800.png'), fullPage: true });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.screenshot({ path: path.join(artefacts, 'ops-page-tablet.png'), fullPage: true });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'no sideways scrolling on a tablet');

  assert.deepEqual(errors, []);
  assert.ok(requested.length >= 4);
  for (const url of requested) assert.equal(new URL(url).origin, `https://127.0.0.1:${port}`, url);
  await context.close();
});

test('a table exports as CSV with the same figures', async () => {
  const { context, page } = await operatorPage();
  await page.goto(pageUrl);
  await loaded(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-table="task_status"] a.csv'),
  ]);
  assert.match(download.suggestedFilename(), /^task_status_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.equal(csv, 'status,tasks\r\nrequested,2\r\nin-progress,1\r\n');
  await context.close();
});

test('the retry button sends the dead letter again and referrer-sim receives it', async () => {
  const simPort = sim.listening.https;
  await h.stop(sim);
  sim = await startSim([], simPort);  // now accepting
  const { context, page } = await operatorPage();
  await page.goto(pageUrl);
  await loaded(page);
  const before = await page.evaluate(() => document.body.dataset.generatedAt);
  await page.click('button.retry[data-destination="A81001"]');
  await loaded(page, before);
  await h.eventually(async () => (await outboxItems('dead')).length === 0 && (await outboxItems('pending')).length === 0,
    'the feedback delivered');
  const stats = json(await h.request(simPort, certs, 'practice-a', 'GET', '/stats'));
  assert.ok(stats.received >= 3, JSON.stringify(stats));  // the retried one and the two behind it
  await page.click('#refresh');
  await h.eventually(async () => {
    const rows = await tableRows(page, 'feedback');
    return rows.length === 1 && rows[0].dead === '0' && rows[0].pending === '0' && rows[0].delivered !== '0';
  }, 'the feedback panel showing delivery');
  await context.close();
});

test('a referrer certificate gets no page and no data', async () => {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    clientCertificates: [{ origin: `https://127.0.0.1:${port}`, certPath: `${certs}/client-practice-a.crt`,
      keyPath: `${certs}/client-practice-a.key` }],
  });
  const page = await context.newPage();
  const response = await page.goto(pageUrl);
  assert.equal(response.status(), 403);
  assert.ok(!(await page.textContent('body')).includes('Referrals received'));
  for (const target of ['/ops/pathway', '/ops/pathway/outbox?format=csv', '/ops/page/ops-page.js']) {
    const r = await api('practice-a', 'GET', target);
    assert.equal(r.status, 403, target);
    assert.ok(!r.body.includes('A81001'), target);
  }
  await context.close();
});
