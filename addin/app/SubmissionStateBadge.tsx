/**
 * A village's month as township and county staff read it, in 审核 and 汇总 alike: 已提交 is what
 * waits for them (待审核), 未提交 stands out; words from ledger/review-states.ts (the web
 * page uses the same list). The two panes said 已提交 and 待审核 for the same month.
 */
import { Badge } from '@fluentui/react-components';
import { REVIEWER_STATE_LABELS, type ReviewerState } from '../../ledger/review-states';
import { useLedger } from './HostProvider';

export function SubmissionStateBadge({ state }: { state: ReviewerState }) {
  const { locale } = useLedger();
  const label = REVIEWER_STATE_LABELS[state];
  return (
    <Badge
      size="small"
      style={{ flexShrink: 0, whiteSpace: 'nowrap' }}
      appearance={state === '未提交' ? 'filled' : 'tint'}
      color={state === '未提交' ? 'danger' : state === '已退回' ? 'warning' : state === '已审核' ? 'success' : 'informative'}
    >
      {locale === 'en-US' ? label.en : label.zh}
    </Badge>
  );
}
