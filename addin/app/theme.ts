/** Fluent theme from Office's theme: dark when the body background is dark, else light. */
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import type { HostTheme } from '../host/index';

export function isDark(hex: string): boolean {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex.trim());
  if (!m) return false;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5;
}

export function fluentTheme(host: HostTheme | undefined): Theme {
  const base = host && isDark(host.bodyBackgroundColor) ? webDarkTheme : webLightTheme;
  if (!host) return base;
  // keep Office's own body colours so the pane matches the ribbon's theme
  return { ...base, colorNeutralBackground1: host.bodyBackgroundColor, colorNeutralForeground1: host.bodyForegroundColor };
}

/** Chinese UI fonts first: a village PC has Microsoft YaHei; Linux previews have Noto CJK. */
export const FONT_FAMILY = '"Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Segoe UI", sans-serif';
