/**
 * A village's month as township and county staff read it, in 审核 and 汇总 alike: 已提交 is what
 * waits for them (待审核), 未提交 stands out; in English beside. The two panes said 已提交 and 待审核
 * for the same month.
 */
import { Badge } from '@fluentui/react-components';
import type { SubmissionStateValue } from '../../ledger/api/submissions';
import { useStrings } from './HostProvider';
import { defineStrings } from './i18n';

export const SUBMISSION_STATE_STRINGS = defineStrings({
  'state.已提交': { zh: '待审核', en: 'to review' },
  'state.已审核': { zh: '已审核', en: 'approved' },
  'state.已退回': { zh: '已退回', en: 'returned' },
  'state.未提交': { zh: '未提交', en: 'not submitted' },
});

export function SubmissionStateBadge({ state }: { state: SubmissionStateValue | '未提交' }) {
  const t = useStrings(SUBMISSION_STATE_STRINGS);
  return (
    <Badge
      size="small"
      style={{ flexShrink: 0, whiteSpace: 'nowrap' }}
      appearance={state === '未提交' ? 'filled' : 'tint'}
      color={state === '未提交' ? 'danger' : state === '已退回' ? 'warning' : state === '已审核' ? 'success' : 'informative'}
    >
      {t(`state.${state}`)}
    </Badge>
  );
}
