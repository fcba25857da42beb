// What every function image promises, whatever its runtime: the one place these
// facts live, for the Dockerfile renderer, the test runner, the stack's
// renderers and the watcher.

/** Port the function's server listens on inside its container. */
export const FUNCTION_PORT = 3000;
/** uid (and gid) the server runs as: never root. */
export const FUNCTION_UID = 10001;
/** Answered 200 by the server itself, without calling the handler. */
export const PING_PATH = '/ping';
/**
 * On SIGTERM a function's server drains: it stops accepting connections, lets
 * requests in flight finish (answering them with `Connection: close`), closes
 * idle keep-alive connections once they have been quiet for a moment, and exits
 * when none is left, or after this many seconds (FAASO_DRAIN_SECONDS) at the
 * latest. Docker must not kill it before: its stop grace is longer.
 */
export const DRAIN_SECONDS = 10;
/** `docker stop -t` / compose stop_grace_period for a function: the drain, plus a margin. */
export const STOP_GRACE_SECONDS = DRAIN_SECONDS + 2;
