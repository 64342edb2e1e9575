import { monthsToOffer, submittableMonths } from '../../ledger/submission-months';

describe('the months a village may submit', () => {
  it('the month just ended first, then the current one (across a year end too)', () => {
    expect(submittableMonths('2026-12-03')).toEqual(['2026-11', '2026-12']);
    expect(submittableMonths('2027-01-02')).toEqual(['2026-12', '2027-01']);
  });

  it('offers every older month the township returned, newest first, once; never a month to come', () => {
    expect(monthsToOffer('2026-12-03', ['2026-09', '2026-11', '2026-07', '2026-09', '2027-01'])).toEqual(['2026-11', '2026-12', '2026-09', '2026-07']);
    expect(monthsToOffer('2026-12-03', [])).toEqual(['2026-11', '2026-12']);
  });
});
