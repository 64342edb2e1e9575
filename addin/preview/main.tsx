/** Entry of the browser preview page (/preview): the demo workbook beside the four panes. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryHost } from '../host/memory-host';
import { PreviewApp } from './PreviewApp';
import { previewWorkbook } from './workbook';

const host = new MemoryHost(previewWorkbook());
const element = document.getElementById('root');
if (!element) throw new Error('preview page has no #root');
createRoot(element).render(
  <StrictMode>
    <PreviewApp host={host} />
  </StrictMode>,
);
