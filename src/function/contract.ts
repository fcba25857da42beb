// What every function image promises, whatever its runtime: the one place these
// facts live, for the Dockerfile renderer, the test runner, the stack's
// renderers and the watcher.

/** Port the function's server listens on inside its container. */
export const FUNCTION_PORT = 3000;
/** uid (and gid) the server runs as: never root. */
export const FUNCTION_UID = 10001;
/** Answered 200 by the server itself, without calling the handler. */
export const PING_PATH = '/ping';
