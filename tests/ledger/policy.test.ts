/**
 * PolicySchema is strict at every level: a misspelt key is an error naming its path, never
 * silently ignored (which would leave the default in force without anyone noticing).
 */
import { ZodError } from 'zod';
import { DEFAULT_POLICY, PolicySchema, policyIssuePaths, resolvePolicy } from '../../ledger/policy';

function errorOf(fn: () => unknown): ZodError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ZodError) return error;
    throw error;
  }
  throw new Error('expected a ZodError');
}

describe('resolvePolicy / PolicySchema strictness', () => {
  it('valid nested overrides are applied over the defaults', () => {
    const policy = resolvePolicy({ leadVerifyWorkingDays: 4, matching: { medicalSelfPaidMin: 5000 } });
    expect(policy.leadVerifyWorkingDays).toBe(4);
    expect(policy.matching.medicalSelfPaidMin).toBe(5000);
    expect(policy.matching.severeDisabilityGrades).toEqual(DEFAULT_POLICY.matching.severeDisabilityGrades);
  });

  it('a typo in a nested key (matching.medicalSelfPaidMln) is refused, naming the path', () => {
    const error = errorOf(() => resolvePolicy({ matching: { medicalSelfPaidMln: 5000 } } as never));
    const paths = policyIssuePaths(error);
    expect(paths).toEqual([expect.objectContaining({ path: 'matching.medicalSelfPaidMln', unknownKey: true })]);
    expect(paths[0].message).toContain('matching.medicalSelfPaidMln');
  });

  it('a typo in a top-level key is refused, naming the key', () => {
    const error = errorOf(() => resolvePolicy({ leadVerifyWorkingDay: 4 } as never));
    expect(policyIssuePaths(error).map((p) => p.path)).toEqual(['leadVerifyWorkingDay']);
    expect(PolicySchema.safeParse({ feedGraceDays: 3, extra: true }).success).toBe(false);
  });

  it('out-of-range values keep their ordinary path (not flagged as unknown keys)', () => {
    const error = errorOf(() => resolvePolicy({ matching: { medicalSelfPaidMin: -1 } }));
    expect(policyIssuePaths(error)).toEqual([expect.objectContaining({ path: 'matching.medicalSelfPaidMin', unknownKey: false })]);
  });
});
