// Pure generators for the deploy bench: N-function projects (names, ports,
// faaso.yml text) and N-route plans for the Caddyfile renderer. Everything the
// bench starts lives in its own port range and under `faaso-deploy-*` names, so
// it never meets the real `faaso` stack or another helper's.
import type { PlannedRoute as Route, StackPlan } from '../../src/stack/types.ts';

/** The deploy bench's host ports (the lead's split: deploy/footprint own 18200-18499). */
export const DEPLOY_PORTS = { first: 18200, last: 18399 } as const;
export const DEPLOY_PROJECT = 'faasobench-deploy';
export const BASELINE_PROJECT = 'faasobench-deploy-base';
export const FUNCTION_PREFIX = 'faaso-deploy-';

/** faaso-deploy-01 … faaso-deploy-NN: zero-padded so name order is numeric order. */
export function functionNames(n: number): string[] {
  const width = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => `${FUNCTION_PREFIX}${String(i + 1).padStart(width, '0')}`);
}

export interface PortLayout {
  proxy: number;
  functions: Map<string, number>;
}

/** Proxy on the first port of the range, functions after it; throws when the range is too small. */
export function layoutPorts(
  names: readonly string[],
  range: { first: number; last: number } = DEPLOY_PORTS,
): PortLayout {
  if (range.first + names.length > range.last) {
    throw new Error(`deploy bench: ${names.length} functions do not fit in ports ${range.first}-${range.last}`);
  }
  return { proxy: range.first, functions: new Map(names.map((n, i) => [n, range.first + 1 + i])) };
}

/** faaso.yml routing /<name> to each function, every port explicit (defaults would land in 8100-8899). */
export function stackYaml(names: readonly string[], ports: PortLayout): string {
  const routes = names.map((n) => `  /${n}: ${n}`);
  const fns = names.map((n) => `  ${n}:\n    port: ${ports.functions.get(n)}`);
  return `routes:\n${routes.join('\n')}\nproxy:\n  port: ${ports.proxy}\nfunctions:\n${fns.join('\n')}\n`;
}

/** /r0001 … /rNNNN spread round-robin over `functions` (which must run in the stack). */
export function manyRoutes(count: number, functions: readonly string[]): Route[] {
  if (functions.length === 0) throw new Error('manyRoutes: no function to route to');
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    path: `/r${String(i + 1).padStart(width, '0')}`,
    function: functions[i % functions.length]!,
  }));
}

/** The running stack's plan with its routes replaced: what faaso would render for that faaso.yml. */
export function withRoutes(plan: StackPlan, routes: Route[]): StackPlan {
  const byFn = new Map<string, string[]>();
  for (const r of routes) {
    const list = byFn.get(r.function);
    if (list) list.push(r.path);
    else byFn.set(r.function, [r.path]);
  }
  return {
    ...plan,
    routes: [...routes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    services: plan.services
      .filter((s) => byFn.has(s.name))
      .map((s) => ({ ...s, paths: (byFn.get(s.name) ?? []).sort() })),
  };
}

/**
 * A faaso.yml for the pure-core timing: N functions, one route each, explicit
 * ports from 20000 (N may exceed the 800 default ports) and a little env so the
 * renderers have something to sort and quote.
 */
export function syntheticStackYaml(n: number): { yaml: string; functions: string[] } {
  const names = Array.from({ length: n }, (_, i) => `fn-${String(i + 1).padStart(5, '0')}`);
  const routes = names.map((f) => `  /${f}: ${f}`);
  const fns = names.map((f, i) => `  ${f}:\n    port: ${20000 + i}\n    env: {MODE: bench, INDEX: "${i}"}`);
  return {
    yaml: `routes:\n${routes.join('\n')}\nproxy:\n  port: 19999\nfunctions:\n${fns.join('\n')}\n`,
    functions: names,
  };
}
