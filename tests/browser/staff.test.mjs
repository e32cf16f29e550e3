// The analyst's and coordinator's screens in a real browser: an analyst writes an advisory
// through the form (the proposal follows the answers as they change, and the Recalculate
// button gives the same from the server), previews it, sees who will be alerted, publishes it,
// claims the call task and records its outcome; a coordinator watches the dashboard, one
// advisory per organisation, the incident and the exposure chart; an admin gets the analyst's
// and coordinator's screens. Screenshots of each main screen go to $BAKEN_ARTEFACTS, else
// browser-artefacts/ beside the binary under test.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { launch, login, MH, newPage, serve, stop } from './lib.mjs'

const BAKEN = process.env.BAKEN
const shots = process.env.BAKEN_ARTEFACTS || join(dirname(BAKEN), 'browser-artefacts')
const dir = mkdtempSync(join(tmpdir(), 'baken-staff-'))
const db = join(dir, 't.db')
const bk = (...args) => execFileSync(BAKEN, ['--db', db, ...args], { encoding: 'utf8' })
const bkj = (...args) => JSON.parse(bk('--json', ...args))
const PASSWORD = 'staff browser password'
let server, browser, base, citrix, written

before(async () => {
  mkdirSync(shots, { recursive: true })
  bk('init')
  bk('org', 'add', 'min-a', '--name', 'Ministerie A', '--kind', 'ministry')
  bk('org', 'add', 'agency-a1', '--name', 'Dienst A1', '--kind', 'agency', '--parent', 'min-a')
  bk('org', 'add', 'vital-e', '--name', 'Energie E', '--kind', 'vital', '--sector', 'energy')
  bk('org', 'add', 'part-1', '--name', 'Sector-CERT 1', '--kind', 'partner', '--sector', 'health')
  bk('org', 'contact', 'agency-a1', '--name', 'CISO A1', '--email', 'ciso@a1.example', '--phone', '+31700000001')
  bk('org', 'contact', 'vital-e', '--name', 'SOC E', '--email', 'soc@e.example', '--phone', '+31700000002', '--24x7')
  bk('org', 'contact', 'part-1', '--name', 'CERT 1', '--email', 'cert@p1.example')
  bk('org', 'netblock', 'agency-a1', '198.51.100.0/24')
  bk('org', 'netblock', 'vital-e', '203.0.113.0/24')
  bk('inventory', 'add', 'agency-a1', '--product', 'citrix:adc', '--version', '13.0-47.22')
  bk('inventory', 'add', 'vital-e', '--product', 'pulsesecure:pulse_connect_secure', '--version', '9.0R3.3')
  // the Citrix case so far: published, a follow-up request, an incident, scan results
  const out = bk('--at', '2019-12-18T09:00:00Z', 'advisory', 'new', '--title', 'Kwetsbaarheid in Citrix ADC',
    '--cve', 'CVE-2019-19781', '--affects', 'citrix:adc:>=13.0|<13.0.47.24', ...MH)
  citrix = out.match(/[A-Z]+-\d{4}-\d{4}/)[0]
  bk('--at', '2019-12-18T10:00:00Z', 'advisory', 'publish', citrix)
  bk('--at', '2019-12-24T12:00:00Z', 'advisory', 'update', citrix, '--exploit', 'poc', '--exploit-expected', 'yes',
    '--change', 'Inschaling verhoogd')
  bk('--at', '2019-12-24T12:05:00Z', 'advisory', 'publish', citrix)
  bk('--at', '2020-01-10T11:00:00Z', 'followup', 'request', citrix, '--to', 'ministry', 'agency',
    '--deadline', '2020-01-13T12:00:00Z', '--question', 'Hebt u de mitigaties genomen?')
  bk('--at', '2020-01-11T09:00:00Z', 'followup', 'respond', citrix, 'agency-a1', '--status', 'mitigated',
    '--measures', 'Responder policy')
  bk('--at', '2020-01-11T12:00:00Z', 'incident', 'new', 'citrix-2020', '--title', 'Citrix ADC', '--advisory', citrix)
  bk('--at', '2020-01-17T10:00:00Z', 'incident', 'scale', 'citrix-2020', '--level', '2', '--by', 'NCTV',
    '--reason', 'Interdepartementale opschaling')
  bk('--at', '2020-01-17T16:00:00Z', 'incident', 'log', 'citrix-2020', '--kind', 'decision',
    '--text', 'Dringend advies: uitschakelen', '--approved-by', 'Minister van JenV', 'Minister van BZK')
  const scan = (name, rows) => {
    writeFileSync(join(dir, name), 'ip,port,seen_at,cve\n' + rows.join('\n') + '\n')
    return join(dir, name)
  }
  bk('--at', '2020-01-13T08:00:00Z', 'scan', 'import', scan('s1.csv', ['198.51.100.7,443,2020-01-13T03:00:00Z,CVE-2019-19781',
    '203.0.113.9,443,2020-01-13T04:00:00Z,CVE-2019-19781', '192.0.2.1,443,2020-01-13T05:00:00Z,CVE-2019-19781']))
  bk('--at', '2020-01-16T08:00:00Z', 'scan', 'import', scan('s2.csv', ['198.51.100.7,443,2020-01-16T03:00:00Z,CVE-2019-19781']))
  for (const [name, role] of [['analist', 'analyst'], ['cio', 'coordinator'], ['nctv', 'crisis'], ['beheer', 'admin']]) {
    bk('user', 'add', name, '--role', role)
    execFileSync(BAKEN, ['--db', db, 'user', 'password', name], { input: PASSWORD + '\n' })
  }
  ;({ server, base } = await serve(BAKEN, db))
  browser = await launch()
})

after(() => stop(browser, server, dir))

// A logged-in page that fails the test on console errors (CSP violations show there).
async function as (name) {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 } })
  await login(page.p, base, name, PASSWORD)
  return page
}
const shot = (p, name) => p.screenshot({ path: join(shots, `staff-${name}.png`), fullPage: true })
const text = async (p, sel) => (await p.locator(sel).first().innerText()).trim()

test('an analyst writes an advisory: the proposal follows the answers, Recalculate, save', async () => {
  const { p, ctx, errors } = await as('analist')
  await p.click('a[href="/staff/advisories/new"]')
  assert.equal(await text(p, '#proposal-class'), 'low/low')
  await p.fill('#title', 'Kwetsbaarheid in Citrix ADC (vervolg)')
  await p.fill('#cve', 'CVE-2019-19781')
  await p.fill('#affects', 'citrix:adc:>=13.0|<13.0.47.24')
  await p.fill('#summary', 'Een ongeauthenticeerde aanvaller kan willekeurige code uitvoeren.')
  await p.fill('#description', 'Citrix ADC en Gateway bevatten een kwetsbaarheid.\n\nEr is exploitcode publiek.')
  const answers = { 'default-config': 'yes', details: 'somewhat', access: 'internet', credentials: 'none',
    complexity: 'average', interaction: 'none', 'fix-available': 'none', 'code-exec': 'root' }
  for (const [q, a] of Object.entries(answers)) await p.selectOption(`#q-${q}`, a)
  // the script follows: 3+1+2+6+4+2+4+1+1+3 = 27, code execution as root
  assert.equal(await text(p, '#proposal-class'), 'medium/high')
  assert.equal(await text(p, '#proposal-lpoints'), '27')
  await p.selectOption('#q-exploit', 'poc')
  await p.selectOption('#q-exploit-expected', 'yes')
  assert.equal(await text(p, '#proposal-class'), 'high/high', 'exploit code raises the proposal at once')
  assert.equal(await text(p, '#proposal-lpoints'), '32')
  await shot(p, 'form')
  // the server says the same, and keeps what was typed
  await p.click('button[name="recalc"]')
  await p.waitForLoadState()
  assert.equal(await text(p, '#proposal-class'), 'high/high')
  assert.match(await p.locator('#proposal-explain').textContent(), /32/)
  assert.equal(await p.inputValue('#title'), 'Kwetsbaarheid in Citrix ADC (vervolg)')
  assert.equal(await p.inputValue('#q-exploit'), 'poc')
  assert.equal(bkj('advisory', 'list').length, 1, 'Recalculate saves nothing')
  await shot(p, 'form-recalculated')
  await p.click('button:has-text("Save draft")')
  await p.waitForURL(/\/advisories\/[A-Z]+-\d{4}-\d{4}$/)
  written = p.url().match(/[A-Z]+-\d{4}-\d{4}/)[0]
  assert.match(await text(p, 'p.muted'), /draft, not published/)
  assert.deepEqual(errors, [])
  await ctx.close()
})

test('the analyst previews, sees who will be alerted, publishes', async () => {
  const { p, ctx, errors } = await as('analist')
  await p.goto(`${base}/advisories/${written}`)
  await p.click(`a[href="/staff/advisories/${written}/preview"]`)
  const plain = await p.locator('#preview-plain').textContent()
  assert.equal(plain, bk('advisory', 'show', written, '--format', 'plain'), 'the preview is the plain text')
  assert.match(await text(p, '#preview-html h1'), /Citrix ADC \(vervolg\)/)
  assert.match(await p.locator('#preview-html').innerText(), /Er is exploitcode publiek/)
  await shot(p, 'preview')
  await p.click(`.staff-nav a[href="/staff/advisories/${written}/recipients"]`)
  const planned = await p.locator('table.recipients tr[id^="rcpt-"]').evaluateAll(
    (rows) => rows.map((r) => r.id.slice(5) + ':' + r.dataset.reason))
  const affected = [...new Set(bkj('advisory', 'affected', written).map((r) => r.org))]
  assert.deepEqual(planned.filter((x) => x.endsWith(':affected')).map((x) => x.split(':')[0]), affected)
  assert.deepEqual(planned.filter((x) => x.endsWith(':partner')), ['part-1:partner'])
  assert.equal(await text(p, '.n-calls'), '1', 'high/high: a call task for the affected agency')
  await shot(p, 'recipients')
  await p.click('form.publish button')
  await p.waitForURL(new RegExp(`/advisories/${written}\\?version=1\\.00$`))
  const alerted = [...new Set(bkj('alert', 'list', '--advisory', written).map((a) => a.org))].sort()
  assert.deepEqual(alerted, planned.map((x) => x.split(':')[0]).sort(), 'publishing alerted whom the page named')
  await p.goto(`${base}/staff/advisories/${written}/alerts`)
  const st = bkj('alert', 'status', '--advisory', written)[0]
  assert.equal(await text(p, 'tr[data-version="1.00"] .n-alerted'), String(st.alerted))
  await shot(p, 'alert-status')
  assert.deepEqual(errors, [])
  await ctx.close()
})

test('the calling list: claim a task, record the outcome', async () => {
  const { p, ctx, errors } = await as('analist')
  await p.click('a[href="/staff/calls"]')
  const task = bkj('call', 'list').find((c) => c.advisory === written)
  assert.ok(task, 'the high/high version made a call task')
  await p.click(`form[action="/staff/calls/${task.alert}/claim"] button`)
  await p.waitForURL(`${base}/staff/calls`)
  await shot(p, 'calls-claimed')
  const done = p.locator(`form[action="/staff/calls/${task.alert}/done"]`)
  await done.locator('select[name="outcome"]').selectOption('reached')
  await done.locator('input[name="note"]').fill('CISO gesproken, mitigatie genomen')
  await done.locator('button').click()
  await p.waitForURL(`${base}/staff/calls`)
  const rec = bkj('call', 'list', '--all').find((c) => c.alert === task.alert)
  assert.equal(rec.outcome, 'reached')
  await shot(p, 'calls-done')
  assert.deepEqual(errors, [])
  await ctx.close()
})

test('a coordinator watches the dashboard, one advisory, the incident and the exposure', async () => {
  const { p, ctx, errors } = await as('cio')
  assert.equal(await p.locator('a[href="/staff/advisories/new"]').count(), 0, 'coordinators do not write advisories')
  await p.click('header a[href="/staff/dashboard"]')
  const row = p.locator(`#adv-${citrix}`)
  const st = bkj('alert', 'status', '--advisory', citrix).at(-1)
  assert.equal(await row.locator('.n-alerted').innerText(), String(st.alerted))
  assert.equal(await row.locator('.n-affected').innerText(), '1')
  const fu = bkj('followup', 'status', citrix).requests[0]
  const req = p.locator(`tr[data-request="${citrix}/1"]`)
  assert.equal(await req.locator('.n-answered').innerText(), String(fu.counts.answered))
  assert.equal(await req.locator('.n-open').innerText(), String(fu.counts.unanswered))
  assert.equal(await p.locator('#inc-citrix-2020 .n-level').innerText(), '2')
  await shot(p, 'dashboard')
  await row.locator(`a[href="/staff/advisories/${citrix}/status"]`).click()
  assert.match(await p.locator('#org-agency-a1 .followup').innerText(), /answered \(mitigated\)/)
  const clock = bkj('deadline', 'list').find((d) => d.org === 'agency-a1' && d.advisory === citrix)
  assert.match(await p.locator('#org-agency-a1 .deadline').innerText(), new RegExp(`^${clock.state}`))
  await shot(p, 'advisory-status')
  await p.goto(`${base}/staff/incidents`)
  await p.click('a[href="/staff/incidents/citrix-2020"]')
  assert.match(await p.locator('table.log').innerText(), /approved by Minister van JenV, Minister van BZK/)
  await shot(p, 'incident')
  await p.goto(`${base}/staff/scans`)
  await p.click(`a[href="/staff/scans?advisory=${citrix}"]`)
  const svg = p.locator('figure.chart svg')
  assert.ok(await svg.isVisible(), 'the chart is drawn')
  assert.ok((await svg.boundingBox()).width >= 400)
  const days = bkj('scan', 'stats', '--advisory', citrix).days
  for (const d of days) {
    assert.equal(await p.locator(`tr[data-day="${d.day}"] .n-systems`).innerText(), String(d.systems))
  }
  await shot(p, 'exposure')
  assert.deepEqual(errors, [])
  await ctx.close()
})

test('the crisis coordinator reads the incident; an admin gets every staff screen', async () => {
  const crisis = await as('nctv')
  await crisis.p.goto(`${base}/staff/incidents/citrix-2020`)
  assert.equal(await crisis.p.locator('.n-level').first().innerText(), '2')
  const r = await crisis.p.goto(`${base}/staff/advisories/new`)
  assert.equal(r.status(), 403, 'a crisis coordinator does not write advisories')
  await crisis.ctx.close()
  const { p, ctx, errors } = await as('beheer')
  await p.click('header a[href="/staff/advisories/new"]')
  assert.equal(await text(p, '#proposal-class'), 'low/low')
  await p.click('header a[href="/staff/dashboard"]')
  assert.ok(await p.locator(`#adv-${written}`).isVisible(), 'the advisory written in the browser is on the dashboard')
  await shot(p, 'admin-dashboard')
  assert.deepEqual(errors, [])
  await ctx.close()
})
