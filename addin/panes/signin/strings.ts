/** Texts of the sign-in shared by the panes that need the server (线索查询, 同步提交; 审核, 汇总 for staff). */
import { defineStrings } from '../../app/i18n';

export const SIGNIN_STRINGS = defineStrings({
  'signin.title': { zh: '登录县级系统', en: 'Sign in to the county system' },
  'signin.why': {
    zh: '查询线索和同步台账需要登录；台账校验、接办流程不登录也能用。',
    en: 'Leads and sync need a sign-in; validation and handling work without one.',
  },
  'signin.server': { zh: '服务器地址', en: 'Server address' },
  'signin.serverHint': { zh: '由县民政局提供，例如 https://ledger.example.gov.cn', en: 'From the county bureau, e.g. https://ledger.example.gov.cn' },
  'signin.username': { zh: '用户名', en: 'Username' },
  'signin.password': { zh: '密码', en: 'Password' },
  'signin.submit': { zh: '登录', en: 'Sign in' },
  'signin.busy': { zh: '正在登录…', en: 'Signing in…' },
  'signin.demo': {
    zh: '演示服务器账号：demo-village（示范村），密码 demo1234。',
    en: 'Demo server account: demo-village (示范村), password demo1234.',
  },
  // 审核 and 汇总 are for township and county staff: a village account there only reads a note
  'signin.why.staff': {
    zh: '审核报送、查看汇总需用乡镇（街道）、县（市）或州级账号登录。',
    en: 'Reviewing submissions and summaries need a township, county or prefecture account.',
  },
  'signin.demo.staff': {
    zh: '演示服务器账号：demo-township（鹿城镇）、demo-county（楚雄市），密码均为 demo1234。',
    en: 'Demo server accounts: demo-township (鹿城镇), demo-county (楚雄市), password demo1234.',
  },
  'signin.as': { zh: '已登录：{user}（{unit}）', en: 'Signed in: {user} ({unit})' },
  'signin.signOut': { zh: '退出登录', en: 'Sign out' },
  'signin.signingOut': { zh: '正在退出…', en: 'Signing out…' },
  'signin.storedHere': {
    zh: '登录凭据只保存在本电脑的加载项中，不写入工作簿。',
    en: 'The sign-in is kept by the add-in on this computer only, never in the workbook.',
  },
});
