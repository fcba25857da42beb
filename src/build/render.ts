// Renders a template's Dockerfile.hbs. Handlebars runs in strict mode (a missing
// variable is an error, not an empty string) with no HTML escaping; every value
// that reaches it was validated first, and env values are quoted here.
import Handlebars from 'handlebars';
import type { FunctionSpec } from '../function/types.ts';
import type { TemplateMeta } from '../template/types.ts';
import { UserError } from '../errors.ts';
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

function mergePackages(a: readonly string[], b: readonly string[]): string {
  return [...new Set([...a, ...b])].sort().join(' ');
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

// Compiled once per template text: compiling is most of a render, and `up` plans
// every function of a runtime from the same Dockerfile.hbs.
const compiled = new Map<string, Handlebars.TemplateDelegate<DockerfileVars>>();

export function renderDockerfile(source: string, vars: DockerfileVars, file: string): string {
  try {
    let render = compiled.get(source);
    if (!render) {
      render = Handlebars.compile<DockerfileVars>(source, { strict: true, noEscape: true });
      compiled.set(source, render);
    }
    return render(vars);
  } catch (err) {
    throw new UserError(
      `${file}: cannot render: ${(err as Error).message}`,
      'fix the template; variables available: ' + Object.keys(vars).sort().join(', '),
    );
  }
}
