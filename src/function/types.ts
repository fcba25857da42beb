// The validated shape of functions/<name>/function.yml. Loading (load.ts) turns
// raw YAML into this or throws a ValidationError listing every problem.

export interface HttpTestRequest {
  method: string; // upper-case HTTP method
  path: string; // starts with "/"
  headers: Record<string, string>;
  /** Exactly one of body/json, or neither. */
  body?: string;
  json?: unknown;
}

export interface HttpTestExpect {
  status: number;
  /** Exact body text. */
  body?: string;
  /** Deep-equal JSON body. */
  json?: unknown;
  /** Subset of response headers (names compared case-insensitively). */
  headers: Record<string, string>;
}

export interface HttpTest {
  name: string;
  request: HttpTestRequest;
  expect: HttpTestExpect;
}

export interface FunctionSpec {
  /** DNS label, equal to the folder name. */
  name: string;
  /** Folder holding function.yml (absolute). */
  dir: string;
  /** Path of function.yml as shown to users (relative to the project root). */
  file: string;
  runtime: string;
  description: string;
  packages: { build: string[]; run: string[] };
  /** Globs, relative to the function folder, of extra files shipped in the final image. */
  files: string[];
  env: Record<string, string>;
  /** Secrets the function reads from /run/secrets/NAME, sorted. */
  secrets: string[];
  /** Values its tests run with, by secret name (never the production store). */
  testSecrets: Record<string, string>;
  tests: HttpTest[];
  /** Lines of the folder's .faasoignore (gitignore syntax); [] without one. */
  ignore: string[];
}
