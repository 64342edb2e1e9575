/**
 * @jest-environment jsdom
 *
 * addin/pages/boot.ts, the first script of each pane page: once office.js says where the page runs,
 * it preloads that host's chunks (named by the page's <meta name="addin-host-…">) and no others.
 */
import { HOST_CHUNKS_META_PREFIX } from '../../addin/host/office-ready';

type OfficeGlobal = { onReady: () => Promise<{ host: string | null }> };

/** Runs the boot script afresh (as a page load does) and waits until it has done its work. */
async function loadBoot(): Promise<void> {
  let boot: typeof import('../../addin/pages/boot') | undefined;
  jest.isolateModules(() => {
    boot = require('../../addin/pages/boot') as typeof import('../../addin/pages/boot');
  });
  await boot!.hostChunksPreloaded;
}

async function bootWith(office: OfficeGlobal | undefined): Promise<string[]> {
  document.head.innerHTML =
    `<meta name="${HOST_CHUNKS_META_PREFIX}office" content="host-office.1234abcd.js">` +
    `<meta name="${HOST_CHUNKS_META_PREFIX}demo" content="host-demo.5678abcd.js  host-demo-data.9abcdef0.js">`;
  const g = globalThis as unknown as { Office?: OfficeGlobal };
  if (office) g.Office = office;
  else delete g.Office;
  await loadBoot();
  return Array.from(document.head.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]')).map((link) => link.getAttribute('href') ?? '');
}

describe('pane boot script', () => {
  afterEach(() => {
    delete (globalThis as { Office?: unknown }).Office;
    document.head.innerHTML = '';
  });

  it('inside Excel preloads the Office host chunks only', async () => {
    expect(await bootWith({ onReady: () => Promise.resolve({ host: 'Excel' }) })).toEqual(['host-office.1234abcd.js']);
  });

  it('in a plain browser (office.js outside Office, or no office.js) preloads the demo host chunks only', async () => {
    expect(await bootWith({ onReady: () => Promise.resolve({ host: null }) })).toEqual(['host-demo.5678abcd.js', 'host-demo-data.9abcdef0.js']);
    document.head.innerHTML = '';
    expect(await bootWith(undefined)).toEqual(['host-demo.5678abcd.js', 'host-demo-data.9abcdef0.js']);
  });

  it('Office failing to start leaves the preload out (connectHost reports it), without an unhandled rejection', async () => {
    expect(await bootWith({ onReady: () => Promise.reject(new Error('office.js failed')) })).toEqual([]);
  });

  it('a page without the meta tags loads as before (nothing preloaded, no error)', async () => {
    document.head.innerHTML = '';
    const g = globalThis as unknown as { Office?: OfficeGlobal };
    g.Office = { onReady: () => Promise.resolve({ host: 'Excel' }) };
    await loadBoot();
    expect(document.head.querySelectorAll('link').length).toBe(0);
  });
});
