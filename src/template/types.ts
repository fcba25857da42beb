// The validated shape of templates/<runtime>/template.yml: templates are data.

export interface TemplateMeta {
  /** Runtime name = folder name under templates/. */
  name: string;
  dir: string;
  description: string;
  /** File a function of this runtime must provide (relative to the function folder). */
  handler: string;
  /** Globs of merged-tree files copied into the final image's /app by default. */
  ship: string[];
  /** Debian packages the template itself needs, per stage. */
  packages: { build: string[]; run: string[] };
  /** Command (exec form) the image runs. */
  cmd: string[];
  /** Command (exec form) that exits 0 when the function answers /ping. */
  healthcheck: string[];
}
