// The values a template's Dockerfile.hbs is rendered with (render.ts). Every value
// that reaches it was validated first; env values are quoted here. Kept apart from
// Handlebars: the content hash covers the template's text and the values it reads
// (plan.ts, valuesRead), so an up-to-date build never loads Handlebars at all.
import type { FunctionSpec } from '../function/types.ts';
import type { TemplateMeta } from '../template/types.ts';
import { FUNCTION_PORT, FUNCTION_UID } from '../function/contract.ts';
import type { BuildProfile } from '../settings.ts';

export const CA_SECRET_ID = 'ca';

export interface DockerfileVars {
  baseImage: string;
  name: string;
  runtime: string;
  port: number;
  uid: number;
  buildPackages: string;
  runPackages: string;
  env: { key: string; value: string }[];
  cmd: string;
  healthcheck: string;
  caSecret: string;
  /** BuildProfile: `release` or `fast`. */
  profile: string;
}

/** Quotes a value for a Dockerfile ENV instruction (backslash, quote and $ escaped). */
export function quoteDockerfileValue(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new Error(`control character in Dockerfile value ${JSON.stringify(value)}`);
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/**
 * A package as apt-get reads it exactly. apt-get takes a trailing "+" as "install"
 * once no package has that exact name, so `libfoo+` would quietly install
 * `libfoo`; with an architecture qualifier the argument no longer ends in "+"
 * and a missing package is an error. Real names end in "+" (g++, afl++).
 */
export function aptPackageArg(pkg: string): string {
  return pkg.endsWith('+') ? `${pkg}:native` : pkg;
}

function mergePackages(a: readonly string[], b: readonly string[]): string {
  return [...new Set([...a, ...b])].sort().map(aptPackageArg).join(' ');
}

export function dockerfileVars(
  spec: FunctionSpec,
  template: TemplateMeta,
  baseImage: string,
  profile: BuildProfile,
): DockerfileVars {
  return {
    baseImage,
    name: spec.name,
    runtime: spec.runtime,
    port: FUNCTION_PORT,
    uid: FUNCTION_UID,
    buildPackages: mergePackages(template.packages.build, spec.packages.build),
    runPackages: mergePackages(template.packages.run, spec.packages.run),
    env: Object.keys(spec.env)
      .sort()
      .map((key) => ({ key, value: quoteDockerfileValue(spec.env[key]!) })),
    cmd: JSON.stringify(template.cmd),
    healthcheck: JSON.stringify(template.healthcheck),
    caSecret: CA_SECRET_ID,
    profile,
  };
}
