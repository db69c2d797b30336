// The order of workshop session states: each carries `version`, bumped by every change in its
// transaction (council/workshops/services.py, announce). Their broadcasts are built and sent
// after commit, each by its writer, so two changes committed in one order can arrive in the
// other; the page keeps the newer one, as the server's socket does (socket.py, is_older).

// Whether `incoming` is an older state of the same session than `held` (either may be null).
export function isOlder(incoming, held) {
  return Boolean(
    incoming && held && incoming.session_id === held.session_id && incoming.version < held.version,
  );
}
