/**
 * Text a user reads: zh-CN first, en-US beside it. The one shape for every bilingual text of the
 * project (column labels, findings, reasons, error messages).
 */
import { z } from 'zod';

export const LocalizedTextSchema = z.object({ zh: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;
