/**
 * 014 — per-person monthly self-paid totals of 医保 imports, kept only for counties whose medical
 * window (policy.matching.medicalWindow) is longer than a month, so a later month's import can sum
 * the window. Personal data: totals only (no stays, hospitals or diagnoses), purged with the import
 * retention rules once older than any window (13 months).
 */
export const up = `
CREATE TABLE IF NOT EXISTS medical_monthly_totals (
  county_code TEXT NOT NULL,
  id_number   TEXT NOT NULL,
  -- YYYY-MM
  month       TEXT NOT NULL,
  cents       INTEGER NOT NULL,
  import_id   TEXT NOT NULL,
  PRIMARY KEY (county_code, id_number, month)
);
CREATE INDEX IF NOT EXISTS medical_monthly_totals_month ON medical_monthly_totals (county_code, month);
`;

/** PostgreSQL: the same. */
export const postgres = `
CREATE TABLE IF NOT EXISTS medical_monthly_totals (
  county_code TEXT NOT NULL,
  id_number   TEXT NOT NULL,
  -- YYYY-MM
  month       TEXT NOT NULL,
  cents       BIGINT NOT NULL,
  import_id   TEXT NOT NULL,
  PRIMARY KEY (county_code, id_number, month)
);
CREATE INDEX IF NOT EXISTS medical_monthly_totals_month ON medical_monthly_totals (county_code, month);
`;
