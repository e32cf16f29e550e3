// The web UI in a real browser: pages render under the CSP without errors, the filters and
// version links work, logging in and out with the form, TLP in the browser, the ack link.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launch, login, MH, newPage, serve, stop, submitLogin } from './lib.mjs'

const BAKEN = process.env.BAKEN
const dir = mkdtempSync(join(tmpdir(), 'baken-browser-'))
const db = join(dir, 't.db')
const bk = (...args) => execFileSync(BAKEN, ['--db', db, ...args], { encoding: 'utf8' })
let server, browser, base, ids = {}

before(async () => {
  bk('init')
  bk('org', 'add', 'agency-a1', '--name', 'Dienst A1', '--kind', 'agency')
  bk('org', 'add', 'other-x', '--name', 'Gemeente X', '--kind', 'other')
  bk('inventory', 'add', 'agency-a1', '--product', 'citrix:adc', '--version', '13.0-47.22')
  const adv = (title, ...extra) => {
    const out = bk('--at', '2019-12-18T09:00:00Z', 'advisory', 'new', '--title', title, '--cve', 'CVE-2019-19781',
      '--affects', 'citrix:adc:>=13.0|<13.0.47.24', ...MH, ...extra)
    const id = out.match(/[A-Z]+-\d{4}-\d{4}/)[0]
    bk('--at', '2019-12-18T10:00:00Z', 'advisory', 'publish', id)
    return id
  }
  ids.clear = adv('Kwetsbaarheid in Citrix ADC')
  ids.amber = adv('Beperkt advies', '--tlp', 'amber')
  bk('--at', '2019-12-24T12:00:00Z', 'advisory', 'update', ids.clear, '--exploit', 'poc', '--exploit-expected', 'yes',
    '--change', 'Inschaling verhoogd')
  bk('--at', '2019-12-24T12:05:00Z', 'advisory', 'publish', ids.clear)
  bk('user', 'add', 'ciso', '--role', 'constituent', '--org', 'agency-a1')
  bk('user', 'add', 'gemeente', '--role', 'constituent', '--org', 'other-x')
  execFileSync(BAKEN, ['--db', db, 'user', 'password', 'ciso'], { input: 'browser password\n' })
  execFileSync(BAKEN, ['--db', db, 'user', 'password', 'gemeente'], { input: 'browser password\n' })
  ;({ server, base } = await serve(BAKEN, db))
  browser = await launch()
})

after(() => stop(browser, server, dir))

// A fresh page that fails the test on console errors (CSP violations show there).
const page = () => newPage(browser)

test('the public list, filters, an advisory and its versions', async () => {
  const { p, ctx, errors } = await page()
  await p.goto(`${base}/advisories`)
  assert.equal(await p.locator(`a[href="/advisories/${ids.clear}"]`).count(), 1)
  assert.equal(await p.locator(`text=${ids.amber}`).count(), 0, 'TLP:AMBER is not public')
  // the stylesheet applies (no CSP block): the header has the accent colour
  const bg = await p.locator('header').evaluate((e) => getComputedStyle(e).backgroundColor)
  assert.equal(bg, 'rgb(21, 66, 115)')
  await p.fill('#cve', 'CVE-2000-0001')
  await p.click('form.filter button')
  assert.equal(await p.locator(`a[href="/advisories/${ids.clear}"]`).count(), 0, 'the CVE filter filters')
  await p.goto(`${base}/advisories/${ids.clear}`)
  assert.match(await p.locator('h1').innerText(), /Citrix ADC/)
  await p.click(`a[href="/advisories/${ids.clear}?version=1.00"]`)
  assert.match(await p.locator('p.muted').first().innerText(), /versie 1\.00/)
  const plain = await (await fetch(`${base}/advisories/${ids.clear}?version=1.00&format=plain`)).text()
  assert.equal(plain, bk('advisory', 'show', ids.clear, '--version', '1.00', '--format', 'plain'))
  assert.deepEqual(errors, [])
  await ctx.close()
})

test('logging in with the form, TLP for the constituency, logging out', async () => {
  const { p, ctx, errors } = await page()
  await p.goto(`${base}/advisories/${ids.amber}`)
  assert.match(await p.locator('h1').innerText(), /Not found/)
  await login(p, base, 'ciso', 'browser password')
  const cookies = await ctx.cookies()
  const session = cookies.find((c) => c.name === 'baken_session')
  assert.ok(session && session.httpOnly && session.sameSite === 'Lax', 'an HttpOnly SameSite=Lax session')
  await p.goto(`${base}/advisories/${ids.amber}`)
  assert.match(await p.locator('h1').innerText(), /Beperkt advies/)
  await p.click('form[action="/logout"] button')
  await p.goto(`${base}/advisories/${ids.amber}`)
  assert.match(await p.locator('h1').innerText(), /Not found/)
  assert.deepEqual(errors.filter((e) => !/404/.test(e)), [])
  await ctx.close()
})

test('outside the constituency, TLP:AMBER stays hidden after login', async () => {
  const { p, ctx } = await page()
  await login(p, base, 'gemeente', 'browser password')
  await p.goto(`${base}/advisories`)
  assert.equal(await p.locator(`text=${ids.amber}`).count(), 0)
  await ctx.close()
})

test('a wrong password shows an error and no session', async () => {
  const { p, ctx } = await page()
  await submitLogin(p, base, 'ciso', 'not the password')
  assert.match(await p.locator('p.error').innerText(), /Wrong user name or password/)
  assert.equal((await ctx.cookies()).find((c) => c.name === 'baken_session'), undefined)
  await ctx.close()
})
