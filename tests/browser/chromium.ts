/**
 * playwright's launch() gives every browser a fresh temporary profile (the --user-data-dir we want).
 * Debian's Chromium driven by playwright-core (never a downloaded browser). When Chromium is
 * missing the suite fails with a message saying how to install it — it never skips silently.
 */
import { existsSync } from 'fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The browser's own language: Chromium draws its native controls (the file input's 选择文件, the
 * month picker's 2026年12月) in its UI locale, which comes from --lang and LANGUAGE, not from a
 * context's `locale` (that sets navigator.language and Accept-Language only). The Chinese strings
 * need Debian's chromium-l10n (locales/zh-CN.pak), which .ci/run installs.
 */
export const BROWSER_LOCALE = 'zh-CN';

/** Context options every test page uses: Chinese for scripts and requests too. */
export const ZH_CONTEXT = { locale: BROWSER_LOCALE, extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' } } as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`找不到 Chromium（${CHROMIUM_PATH}）：请运行 apt-get install -y chromium / Chromium not found: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // LANGUAGE only: LANG=zh_CN.UTF-8 without that glibc locale installed makes Chromium name every download "download"
    env: { ...process.env, LANGUAGE: 'zh_CN' },
    args: [
      `--lang=${BROWSER_LOCALE}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

interface AxNode {
  nodeId: string;
  role?: { value?: unknown };
  name?: { value?: unknown };
  value?: { value?: unknown };
  childIds?: string[];
  backendDOMNodeId?: number;
}

/**
 * The texts Chromium draws inside a native control (a month picker's fields, a file input's
 * button), read from the accessibility tree: scripts cannot see into the browser's own shadow DOM.
 */
export async function nativeControlTexts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as { root: { nodeId: number } };
    const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })) as { nodeId: number };
    if (!nodeId) throw new Error(`no element ${selector}`);
    const { nodes } = (await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false })) as { nodes: AxNode[] };
    const { nodes: all } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const byId = new Map(all.map((node) => [node.nodeId, node]));
    const texts: string[] = [];
    const visit = (node: AxNode | undefined) => {
      if (!node) return;
      for (const field of [node.name?.value, node.value?.value]) {
        if (typeof field === 'string' && field.trim() !== '') texts.push(field.trim());
      }
      for (const child of node.childIds ?? []) visit(byId.get(child));
    };
    for (const node of nodes) visit(byId.get(node.nodeId) ?? node);
    return texts;
  } finally {
    await cdp.detach();
  }
}
