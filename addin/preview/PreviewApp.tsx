/**
 * The browser preview (/preview): the demo workbook as a grid on the left, the add-in's task pane
 * on the right (350 px, as Excel shows it) with one tab per pane. Every pane runs on this page's
 * one memory host, so what a pane writes appears in the grid and a cell clicked in the grid is the
 * pane's selection. A pane is mounted when its tab is first opened and kept (its state too).
 */
import { useCallback, useEffect, useState } from 'react';
import { Caption1, FluentProvider, Tab, TabList, makeStyles, tokens, webLightTheme } from '@fluentui/react-components';
import { PANES, type PaneName } from '../app/panes';
import { FONT_FAMILY } from '../app/theme';
import { PaneApp } from '../app/mount';
import type { Connection } from '../host/index';
import type { MemoryHost } from '../host/memory-host';
import { Grid } from './Grid';
import { PREVIEW_PANES } from './panes';

export const PANE_WIDTH = 350;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', height: '100vh', background: '#f3f2f1', fontFamily: FONT_FAMILY },
  top: { display: 'flex', alignItems: 'baseline', gap: '12px', padding: '6px 12px', background: '#217346', color: '#fff' },
  title: { margin: 0, fontSize: '16px', fontWeight: 600 },
  topNote: { color: '#e8f3ec' },
  body: { display: 'flex', flex: 1, minHeight: 0, gap: '0' },
  sheetArea: { display: 'flex', flexDirection: 'column', flex: 1, minWidth: 0, padding: '6px 0 0 6px' },
  sheetTabs: { display: 'flex', gap: '2px', padding: '2px 0' },
  sheetTab: {
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderTop: 'none',
    background: '#e9e9e9',
    padding: '2px 12px',
    cursor: 'pointer',
    font: 'inherit',
    fontSize: '12px',
  },
  sheetTabActive: { background: '#fff', color: '#217346', fontWeight: 600 },
  paneArea: {
    width: `${PANE_WIDTH}px`,
    flex: `0 0 ${PANE_WIDTH}px`,
    display: 'flex',
    flexDirection: 'column',
    background: '#fff',
    borderLeft: `1px solid ${tokens.colorNeutralStroke1}`,
    margin: '6px 0 0 6px',
  },
  /** Six tabs on one row of the 350 px pane: tighter sides than Fluent's small tab; never wrapped (a longer list scrolls sideways). */
  paneTabs: { borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden', scrollbarWidth: 'thin' },
  paneTab: { paddingLeft: '3px', paddingRight: '3px', flexShrink: 0 },
  pane: { width: `${PANE_WIDTH}px`, flex: 1, minHeight: 0, overflowY: 'auto', overflowX: 'hidden' },
  hidden: { display: 'none' },
});

function initialPane(): PaneName {
  const asked = new URLSearchParams(window.location.search).get('pane');
  return PANES.find((pane) => pane.name === asked)?.name ?? PANES[0].name;
}

export function PreviewApp({ host }: { host: MemoryHost }) {
  const styles = useStyles();
  const [pane, setPane] = useState<PaneName>(initialPane);
  const [opened, setOpened] = useState<ReadonlySet<PaneName>>(() => new Set([pane]));
  const [sheetName, setSheetName] = useState(() => host.activeSheet);
  const [sheetNames, setSheetNames] = useState(() => host.sheetNames(true));
  // sheets the panes add (the template's) appear as tabs, and the grid follows the sheet made active
  useEffect(
    () =>
      host.subscribe((event) => {
        if (event.type !== 'sheet') return;
        setSheetNames(host.sheetNames(true));
        setSheetName(host.activeSheet);
      }),
    [host],
  );
  const connect = useCallback(
    (): Promise<Connection> => Promise.resolve({ host, displayLanguage: navigator.language, theme: undefined }),
    [host],
  );

  function open(name: PaneName) {
    setPane(name);
    setOpened((previous) => new Set(previous).add(name));
  }

  return (
    <FluentProvider theme={webLightTheme} style={{ fontFamily: FONT_FAMILY }}>
      <div className={styles.page}>
        <header className={styles.top}>
          <h1 className={styles.title}>社会救助主动发现台账 · 浏览器预览</h1>
          <Caption1 className={styles.topNote}>不需要 Excel：左侧为示例台账（人员均为虚构），可直接点选、输入；右侧为加载项任务窗格。</Caption1>
        </header>
        <div className={styles.body}>
          <main className={styles.sheetArea} aria-label="工作簿">
            <Grid host={host} sheetName={sheetName} />
            <div className={styles.sheetTabs} role="tablist" aria-label="工作表">
              {sheetNames.map((name) => (
                <button
                  key={name}
                  role="tab"
                  aria-selected={name === sheetName}
                  className={`${styles.sheetTab} ${name === sheetName ? styles.sheetTabActive : ''}`}
                  onClick={() => {
                    host.activate(name);
                    setSheetName(name);
                  }}
                >
                  {name}
                </button>
              ))}
            </div>
          </main>
          <aside className={styles.paneArea} aria-label="任务窗格">
            <TabList className={styles.paneTabs} size="small" selectedValue={pane} onTabSelect={(_, d) => open(d.value as PaneName)} aria-label="加载项窗格">
              {PANES.map((p) => (
                <Tab key={p.name} value={p.name} className={styles.paneTab}>
                  {p.title.zh}
                </Tab>
              ))}
            </TabList>
            {PANES.filter((p) => opened.has(p.name)).map((p) => {
              const { component: Pane, uses } = PREVIEW_PANES[p.name];
              return (
                <div key={p.name} className={`${styles.pane} ${p.name === pane ? '' : styles.hidden}`} data-pane-root={p.name} role="region" aria-label={p.title.zh}>
                  <PaneApp pane={p.name} uses={uses} connect={connect}>
                    <Pane />
                  </PaneApp>
                </div>
              );
            })}
          </aside>
        </div>
      </div>
    </FluentProvider>
  );
}
