/**
 * Entry of the browser preview page (/preview): the demo workbook beside the four panes.
 * `?workbook=noLedger` opens a workbook without a ledger (the 台账校验 pane offers the template),
 * `?workbook=missingColumns` a ledger lacking two columns (it offers to add them).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryHost } from '../host/memory-host';
import { DEMO_LAYOUTS, demoWorkbook } from '../host/demo-workbook';
import { PreviewApp } from './PreviewApp';

const asked = new URLSearchParams(window.location.search).get('workbook');
const layout = DEMO_LAYOUTS.find((name) => name === asked) ?? 'ledger';
const host = new MemoryHost(demoWorkbook({ plantedDefects: true, layout }));
const element = document.getElementById('root');
if (!element) throw new Error('preview page has no #root');
createRoot(element).render(
  <StrictMode>
    <PreviewApp host={host} />
  </StrictMode>,
);
