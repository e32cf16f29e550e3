// The web UI in a real browser: pages render under the CSP without errors, the filters and
// version links work, logging in and out with the form, TLP in the browser, the ack link.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import { chromium } from 'playwright-core'

const BAKEN = process.env.BAKEN
const dir = mkdtempSync(join(tmpdir(), 'baken-browser-'))
const db = join(dir, 't.db')
const bk = (...args) => execFileSync(BAKEN, ['--db', db, ...args], { encoding: 'utf8' })
const MH = ['--default-config', 'yes', '--details', 'somewhat', '--access', 'internet',
  '--credentials', 'none', '--complexity', 'average', '--interaction', 'none', '--code-exec', 'root']
let server, browser, base, ids = {}

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
})

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
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  server = spawn(BAKEN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--deliver-interval', '0'],
    { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
})

after(async () => {
  await browser?.close()
  server?.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

// A fresh page that fails the test on console errors (CSP violations show there).
async function page () {
  const ctx = await browser.newContext()
  const p = await ctx.newPage()
  const errors = []
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  p.on('pageerror', (e) => errors.push(String(e)))
  return { p, ctx, errors }
}

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
  await p.goto(`${base}/login`)
  await p.fill('#name', 'ciso')
  await p.fill('#password', 'browser password')
  await p.click('form[action="/login"] button')
  await p.waitForURL(`${base}/portal`)
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
  await p.goto(`${base}/login`)
  await p.fill('#name', 'gemeente')
  await p.fill('#password', 'browser password')
  await p.click('form[action="/login"] button')
  await p.waitForURL(`${base}/portal`)
  await p.goto(`${base}/advisories`)
  assert.equal(await p.locator(`text=${ids.amber}`).count(), 0)
  await ctx.close()
})

test('a wrong password shows an error and no session', async () => {
  const { p, ctx } = await page()
  await p.goto(`${base}/login`)
  await p.fill('#name', 'ciso')
  await p.fill('#password', 'not the password')
  await p.click('form[action="/login"] button')
  assert.match(await p.locator('p.error').innerText(), /Wrong user name or password/)
  assert.equal((await ctx.cookies()).find((c) => c.name === 'baken_session'), undefined)
  await ctx.close()
})
