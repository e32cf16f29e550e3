// What the browser tests share: `baken serve` on a free loopback port, Debian's chromium, a
// page that collects console errors, and logging in with the form. Not a test itself (the
// runner takes ./*.test.mjs only).
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import net from 'node:net'
import { chromium } from 'playwright-core'

// The matrix answers that give medium/high (27 points; code execution as root), as `baken
// advisory new` options: the classification of MH in tests/e2e/lib.sh.
export const MH = ['--default-config', 'yes', '--details', 'somewhat', '--access', 'internet',
  '--credentials', 'none', '--complexity', 'average', '--interaction', 'none', '--code-exec', 'root']

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
})

// `baken serve` of db on a free loopback port, delivering nothing; resolves to { server, base }
// once /healthz answers (or after 10 s, when the test then fails on the first page).
export async function serve (baken, db) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(baken, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--deliver-interval', '0'],
    { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { server, base }
}

// After the tests: closes the browser, stops the server and removes the test's directory (any
// of them may be missing when before() failed early).
export async function stop (browser, server, dir) {
  await browser?.close()
  server?.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}

// Debian's chromium (scripts/install-deps installs it), headless.
export const launch = () => chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})

// A page in a fresh context whose console errors (CSP violations show there) and page errors
// are collected in errors, for the test to assert there are none; console errors that match
// ignore (a RegExp: a status the test asks for on purpose) are left out. { p, ctx, errors }.
export async function newPage (browser, { viewport, ignore } = {}) {
  const ctx = await browser.newContext(viewport ? { viewport } : {})
  const p = await ctx.newPage()
  const errors = []
  p.on('console', (m) => { if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) errors.push(m.text()) })
  p.on('pageerror', (e) => errors.push(String(e)))
  return { p, ctx, errors }
}

// Sends the login form; login also waits for the portal, where a login lands.
export async function submitLogin (p, base, name, password) {
  await p.goto(`${base}/login`)
  await p.fill('#name', name)
  await p.fill('#password', password)
  await p.click('form[action="/login"] button')
}
export async function login (p, base, name, password) {
  await submitLogin(p, base, name, password)
  await p.waitForURL(`${base}/portal`)
}
