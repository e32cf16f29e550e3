// The constituent portal in a real browser: a CISO logs in, sees the TLP:AMBER advisory meant
// for the organisation with the product that matched, acknowledges an alert, uploads an
// inventory CSV (and sees a bad one refused with its line and field), and answers the CIO
// office's follow-up request (kept-on is refused until all three conditions are explained);
// a partner (a sector CERT) sees the advisories its TLP lets it see, and none of the
// constituents' data.
// Screenshots go to $BAKEN_ARTEFACTS, else browser-artefacts/ beside the binary under test.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { launch, login, MH, newPage, serve, stop } from './lib.mjs'

const BAKEN = process.env.BAKEN
const shots = process.env.BAKEN_ARTEFACTS || join(dirname(BAKEN), 'browser-artefacts')
const dir = mkdtempSync(join(tmpdir(), 'baken-portal-'))
const db = join(dir, 't.db')
const bk = (...args) => execFileSync(BAKEN, ['--db', db, ...args], { encoding: 'utf8' })
const sql = (q) => execFileSync('/usr/bin/python3', ['-c',
  'import sqlite3,sys,json; print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()))',
  db, q], { encoding: 'utf8' })
let server, browser, base, adv

before(async () => {
  mkdirSync(shots, { recursive: true })
  bk('init')
  bk('org', 'add', 'min-a', '--name', 'Ministerie A', '--kind', 'ministry')
  bk('org', 'add', 'agency-a1', '--name', 'Dienst A1', '--kind', 'agency', '--parent', 'min-a')
  bk('org', 'add', 'other-x', '--name', 'Gemeente X', '--kind', 'other')
  bk('org', 'add', 'part-1', '--name', 'Sector-CERT 1', '--kind', 'partner', '--sector', 'health')
  bk('org', 'contact', 'agency-a1', '--name', 'CISO A1', '--email', 'ciso@a1.example', '--phone', '+31700000001')
  bk('inventory', 'add', 'agency-a1', '--product', 'citrix:adc', '--version', '13.0-47.22', '--internet-facing')
  bk('inventory', 'add', 'other-x', '--product', 'citrix:adc', '--version', '13.0-47.20')
  const out = bk('--at', '2019-12-18T09:00:00Z', 'advisory', 'new', '--title', 'Kwetsbaarheid in Citrix ADC',
    '--tlp', 'amber', '--to', 'part-1', '--cve', 'CVE-2019-19781', '--affects', 'citrix:adc:>=13.0|<13.0.47.24', ...MH)
  adv = out.match(/[A-Z]+-\d{4}-\d{4}/)[0]
  bk('--at', '2019-12-18T10:00:00Z', 'advisory', 'publish', adv)
  bk('--at', '2019-12-24T12:00:00Z', 'advisory', 'update', adv, '--exploit', 'poc', '--exploit-expected', 'yes',
    '--change', 'Inschaling verhoogd')
  bk('--at', '2019-12-24T12:05:00Z', 'advisory', 'publish', adv)
  bk('--at', '2020-01-10T09:00:00Z', 'followup', 'request', adv, '--to', 'agency', '--deadline', '2020-01-13T12:00:00Z',
    '--question', 'Switch off, or explain why not')
  bk('user', 'add', 'ciso', '--role', 'constituent', '--org', 'agency-a1')
  execFileSync(BAKEN, ['--db', db, 'user', 'password', 'ciso'], { input: 'portal password\n' })
  bk('user', 'add', 'cert', '--role', 'partner', '--org', 'part-1')
  execFileSync(BAKEN, ['--db', db, 'user', 'password', 'cert'], { input: 'partner password\n' })
  ;({ server, base } = await serve(BAKEN, db))
  browser = await launch()
})

after(() => stop(browser, server, dir))

// One logged-in page for the whole walk; console errors (CSP violations show there) fail it.
test('a constituent walks the portal', async () => {
  const { p, ctx, errors } = await newPage(browser, { viewport: { width: 1280, height: 900 }, ignore: /status of 40[09]/ })
  await login(p, base, 'ciso', 'portal password')

  // the advisory meant for the organisation, TLP:AMBER, with the product that matched
  const row = p.locator('table.advisories tr', { hasText: adv })
  assert.equal(await row.count(), 1)
  assert.match(await row.innerText(), /TLP:AMBER/)
  assert.match(await row.innerText(), /citrix:adc 13\.0-47\.22 ×1, internet-facing/)
  assert.match(await p.locator('table.followups').innerText(), /Switch off, or explain why not/)
  assert.match(await p.locator('table.deadlines').innerText(), new RegExp(adv))
  assert.equal(await p.locator('text=Gemeente X').count(), 0)
  await p.screenshot({ path: join(shots, 'portal-overview.png'), fullPage: true })

  // acknowledge an alert
  const acks = p.locator('table.alerts button', { hasText: 'Acknowledge' })
  const before = await acks.count()
  assert.ok(before > 0, 'an alert to acknowledge')
  await acks.first().click()
  await p.waitForURL(/\/portal\?done=acknowledged/)
  assert.equal(await p.locator('table.alerts button', { hasText: 'Acknowledge' }).count(), before - 1)
  assert.match(await p.locator('table.alerts').innerText(), /acknowledged/)

  // upload an inventory CSV
  await p.click('nav.portal a[href="/portal/inventory"]')
  await p.setInputFiles('#file', { name: 'inventaris.csv', mimeType: 'text/csv',
    buffer: Buffer.from('product,version,count,internet_facing\nfortinet:fortios,6.0.4,3,yes\npulsesecure:pulse_connect_secure,9.0R3.3,1,yes\n') })
  await p.click('form.upload button')
  await p.waitForURL(/\/portal\/inventory\?imported=2/)
  assert.match(await p.locator('table.inventory').innerText(), /fortinet:fortios\s+6\.0\.4\s+3\s+yes/)
  await p.screenshot({ path: join(shots, 'portal-inventory.png'), fullPage: true })
  // a bad file is refused whole, with its line and field
  await p.setInputFiles('#file', { name: 'fout.csv', mimeType: 'text/csv',
    buffer: Buffer.from('product,version\nf5:big-ip,15.1\ncitrix:adc,\n') })
  await p.check('input[name="mode"][value="replace"]')
  await p.click('form.upload button')
  assert.match(await p.locator('p.error').innerText(), /fout\.csv:3: field version/)
  assert.equal(await p.locator('table.inventory', { hasText: 'f5:big-ip' }).count(), 0)
  assert.match(await p.locator('table.inventory').innerText(), /fortinet:fortios/)
  await p.screenshot({ path: join(shots, 'portal-inventory-refused.png'), fullPage: true })

  // answer the follow-up request: kept-on needs all three conditions
  await p.goto(`${base}/portal/followup/${adv}`)
  await p.check('input[name="status"][value="kept-on"]')
  await p.fill('#c1', 'Uitzetten legt de spoedeisende zorg stil.')
  await p.fill('#c2', 'Extra monitoring door het SOC, dag en nacht.')
  await p.click('form.followup button')
  assert.match(await p.locator('p.error').innerText(), /C3/)
  assert.equal(JSON.parse(sql('select count(*) from followup_answers'))[0][0], 0)
  assert.equal(await p.inputValue('#c2'), 'Extra monitoring door het SOC, dag en nacht.')
  await p.screenshot({ path: join(shots, 'portal-followup-refused.png'), fullPage: true })
  await p.check('input[name="status"][value="kept-on"]')
  await p.fill('#c3', 'Het systeem staat in een eigen segment, met detectie; besmetting is uitgesloten.')
  await p.click('form.followup button')
  await p.waitForURL(/done=answered/)
  assert.match(await p.locator('p.notice').innerText(), /answer is recorded/)
  assert.match(await p.locator('section.request').innerText(), /explained/)
  assert.deepEqual(JSON.parse(sql('select org_id, status, answered_by from followup_answers')),
    [['agency-a1', 'kept-on', 'web:ciso']])
  await p.screenshot({ path: join(shots, 'portal-followup.png'), fullPage: true })
  assert.deepEqual(errors, [])
  await ctx.close()
})

test('a partner sees what its TLP allows, and no constituent\'s data', async () => {
  const { p, ctx, errors } = await newPage(browser, { viewport: { width: 1280, height: 900 }, ignore: /status of 40[039]/ })
  await login(p, base, 'cert', 'partner password')
  // the advisory released to it (--to), without the constituents' products
  const page = await p.locator('main').innerText()
  assert.match(page, new RegExp(adv))
  assert.doesNotMatch(page, /13\.0-47\.22|Dienst A1|Gemeente X/)
  await p.screenshot({ path: join(shots, 'portal-partner.png'), fullPage: true })
  // the advisory page as the partner sees it: TLP:AMBER with what may be passed on
  await p.goto(`${base}/advisories/${adv}`)
  assert.match(await p.locator('main').innerText(), /TLP:AMBER/)
  await p.screenshot({ path: join(shots, 'partner-advisory.png'), fullPage: true })
  // a partner keeps no inventory here
  const inv = await p.goto(`${base}/portal/inventory`)
  assert.equal(inv.status(), 403)
  assert.deepEqual(errors, [])
  await ctx.close()
})
