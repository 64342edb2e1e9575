/**
 * The wrapper of the panes that are for township, county and prefecture staff only (汇总, 审核):
 * the session and sign-in of <SignedIn>, then — for a village account — a note saying where a
 * village does this instead, never the staff content (and no request made for it).
 */
import type { ReactNode } from 'react';
import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import type { SessionUser } from '../../../ledger/api/auth';
import type { LocalizedText } from '../../../ledger/text';
import { useLedger } from '../../app/HostProvider';
import { SignedIn } from './SignIn';

export interface StaffOnlyPaneProps {
  /** What a village account reads instead (zh-CN first, en-US beside). */
  villageNote: LocalizedText;
  /** The pane's content for a staff account. */
  children: (user: SessionUser) => ReactNode;
}

export function StaffOnlyPane({ villageNote, children }: StaffOnlyPaneProps) {
  return <SignedIn audience="staff">{(user) => (user.role === 'village' ? <VillageNote text={villageNote} /> : children(user))}</SignedIn>;
}

function VillageNote({ text }: { text: LocalizedText }) {
  const { locale } = useLedger();
  return (
    <MessageBar intent="info" data-testid="village-note">
      <MessageBarBody>{locale === 'en-US' ? text.en : text.zh}</MessageBarBody>
    </MessageBar>
  );
}
