/** Errors of the leads and imports API: HttpErrors the platform turns into its JSON error shape. */
import { HttpError } from '../http/errors';

export class LeadError extends HttpError {
  constructor(status: number, code: string, zh: string, en: string, extra?: Record<string, unknown>) {
    super(status, code, { zh, en }, [], extra);
    this.name = 'LeadError';
  }
}
