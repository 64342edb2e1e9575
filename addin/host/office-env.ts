/// <reference types="office-js" />
/**
 * What the shell needs from Office besides the workbook: requirement sets, theme, display
 * language, workbook events, document settings. Kept in addin/host/ (the only Office.js code).
 */
import type { DocumentSettings, HostEventSource } from './office-host';

/** Office.context.requirements.isSetSupported('ExcelApi', version). */
export function excelApiSupports(version: string): boolean {
  return Office.context.requirements.isSetSupported('ExcelApi', version);
}

/** The Office theme colours where the host exposes them (Office 2016+ on Windows, Mac). */
export interface HostTheme {
  bodyBackgroundColor: string;
  bodyForegroundColor: string;
}

export function officeTheme(): HostTheme | undefined {
  const theme = Office.context.officeTheme as Office.OfficeTheme | undefined;
  if (!theme?.bodyBackgroundColor) return undefined;
  return { bodyBackgroundColor: theme.bodyBackgroundColor, bodyForegroundColor: theme.bodyForegroundColor };
}

export const officeEvents: HostEventSource = {
  // DocumentSelectionChanged is the common API: every Excel version has it
  onSelectionChanged: (callback) =>
    new Promise((resolve, reject) => {
      const handler = () => callback();
      Office.context.document.addHandlerAsync(Office.EventType.DocumentSelectionChanged, handler, (result) => {
        if (result.status === Office.AsyncResultStatus.Failed) reject(result.error);
        else
          resolve(
            () =>
              new Promise<void>((done) =>
                Office.context.document.removeHandlerAsync(Office.EventType.DocumentSelectionChanged, { handler }, () => done()),
              ),
          );
      });
    }),
  onSheetChanged: async (callback) => {
    if (!excelApiSupports('1.9')) return null;
    const registration = await Excel.run(async (context) => {
      const handle = context.workbook.worksheets.onChanged.add(async (event) => {
        const sheet = context.workbook.worksheets.getItem(event.worksheetId);
        sheet.load('name');
        await context.sync();
        callback(sheet.name);
      });
      await context.sync();
      return handle;
    });
    return () =>
      Excel.run(registration.context, async (context) => {
        registration.remove();
        await context.sync();
      });
  },
};

export const officeDocumentSettings: DocumentSettings = {
  get: (key) => Office.context.document.settings.get(key) as unknown,
  set: (key, value) => Office.context.document.settings.set(key, value),
  save: () =>
    new Promise((resolve, reject) =>
      Office.context.document.settings.saveAsync((result) =>
        result.status === Office.AsyncResultStatus.Failed ? reject(result.error) : resolve(),
      ),
    ),
};
