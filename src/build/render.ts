// Renders a template's Dockerfile.hbs. Handlebars runs in strict mode (a missing
// variable is an error, not an empty string) with no HTML escaping. Loaded only
// when a build context is written (context.ts): planning and hashing need only
// the template's text and its values (dockerfile-vars.ts).
import Handlebars from 'handlebars';
import { UserError } from '../errors.ts';
import type { DockerfileVars } from './dockerfile-vars.ts';

// Compiled once per template text: compiling is most of a render, and a build of
// several functions renders each of a runtime's from the same Dockerfile.hbs.
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
