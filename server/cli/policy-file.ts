/**
 * `--policy 文件.json` of `ledger validate` and `ledger match`: a county's own settings (its
 * 医保 threshold, severe grades, roster statuses, blank markers…) instead of the defaults, so an
 * offline check gives the answer the server gives that county. The file is either the settings
 * themselves (`{"matching": {"medicalSelfPaidMin": 8000}}`) or the server's answer to
 * GET /api/v1/counties/{code}/policy saved as is (`{"year": 2026, "policy": {…}, "overrides": {…}}`).
 */
import { readFile } from 'fs/promises';
import { resolve } from 'path';
import { ZodError } from 'zod';
import { policyIssuePaths, resolvePolicy, type Policy, type PolicyInput } from '../../ledger/policy';
import { CliInputError } from './cli-types';

export const POLICY_OPTION_HELP = {
  zh: '--policy 文件.json  本县政策参数（默认：州定默认值）；可为参数本身，或服务器 GET /api/v1/counties/县代码/policy 的应答原样保存',
  en: "--policy FILE.json  the county's policy settings (default: the prefecture's defaults); the settings, or the server's GET …/policy answer as saved",
} as const;

/** The server's policy answer ({year, policy, overrides}) or bare settings: the settings to resolve. */
function settingsOf(parsed: unknown): unknown {
  if (parsed !== null && typeof parsed === 'object' && 'policy' in parsed && 'year' in parsed) return (parsed as { policy: unknown }).policy;
  return parsed;
}

export async function readPolicyFile(cwd: string, file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new CliInputError(`找不到政策参数文件：${file}`, `Policy file not found: ${file}`);
    throw new CliInputError(`无法读取政策参数文件：${file}`, `Cannot read the policy file: ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliInputError(
      `政策参数文件 ${file} 不是有效的 JSON（${(error as Error).message}）：请用记事本检查引号、逗号是否为英文半角`,
      `The policy file ${file} is not valid JSON (${(error as Error).message})`,
    );
  }
  try {
    return resolvePolicy(settingsOf(parsed) as PolicyInput);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const problems = policyIssuePaths(error).map((p) => `${p.path || '（整个文件）'}：${p.message}`);
    throw new CliInputError(
      `政策参数文件 ${file} 有误：${problems.join('；')}。字段名与取值范围见 docs/operations.md 的“政策参数”一节`,
      `The policy file ${file} is wrong: ${problems.join('; ')}`,
    );
  }
}
