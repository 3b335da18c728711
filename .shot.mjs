import { chromium } from '@playwright/test';
const [,, url, out, theme='light', w='1440', h='900'] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync','--use-angle=swiftshader','--enable-unsafe-swiftshader'] });
const page = await browser.newPage({ viewport: { width: +w, height: +h }, colorScheme: theme });
const logs = [];
page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
await page.goto(url);
await page.waitForTimeout(Number(process.env.WAIT ?? 3000));
if (process.env.CLICK) { for (const c of process.env.CLICK.split('|')) { await page.getByRole('tab', { name: c }).click().catch(e=>logs.push('click fail '+c)); } await page.waitForTimeout(800); }
await page.screenshot({ path: out, fullPage: true });
console.log(page.url());
console.log(logs.join('\n'));
await browser.close();
