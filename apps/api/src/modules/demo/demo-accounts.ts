import type { Role } from '@gc/contracts';

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  /** Area code of the jurisdiction ('*' = whole territory), or a marker resolved at load time. */
  jurisdiction: string;
  jurisdictionName: string;
  department?: string;
}

/**
 * One account per role, each with a jurisdiction that makes sense for it. The passwords are
 * public on purpose (they are listed in DEMO.md and on the sign-in screen): these accounts
 * exist only in demo mode, flagged app_user.demo = true.
 * `@grid` is the first generated grid of 夫子庙街道 (秦淮区); resolved when the demo loads.
 */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'demo_admin', password: 'demo-admin-2025', role: 'admin', displayName: '演示·系统管理员', jurisdiction: '*', jurisdictionName: '全域' },
  { username: 'demo_operator', password: 'demo-operator-2025', role: 'operator', displayName: '演示·指挥中心值班员', jurisdiction: '320100', jurisdictionName: '南京市' },
  { username: 'demo_analyst', password: 'demo-analyst-2025', role: 'analyst', displayName: '演示·网格分析员', jurisdiction: '320100', jurisdictionName: '南京市' },
  { username: 'demo_supervisor', password: 'demo-supervisor-2025', role: 'supervisor', displayName: '演示·秦淮区督查员', jurisdiction: '320104', jurisdictionName: '秦淮区' },
  { username: 'demo_street', password: 'demo-street-2025', role: 'operator', displayName: '演示·夫子庙街道值班员', jurisdiction: '320104002', jurisdictionName: '夫子庙街道' },
  { username: 'demo_department', password: 'demo-department-2025', role: 'department', displayName: '演示·城市管理局', jurisdiction: '320100', jurisdictionName: '南京市', department: 'city_management' },
  { username: 'demo_gridworker', password: 'demo-gridworker-2025', role: 'grid_worker', displayName: '演示·网格员', jurisdiction: '@grid', jurisdictionName: '' },
  { username: 'demo_auditor', password: 'demo-auditor-2025', role: 'auditor', displayName: '演示·审计员', jurisdiction: '*', jurisdictionName: '全域' },
  { username: 'demo_api', password: 'demo-api-client-2025', role: 'api_client', displayName: '演示·12345热线接口', jurisdiction: '320100', jurisdictionName: '南京市' },
];
