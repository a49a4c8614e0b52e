// One SignalR connection to /hubs/ecosystem for the whole page, with automatic reconnect that never gives up.
// Pages register what they watch with subscribe(); it runs again after every reconnect, because a new
// connection is in no group (deal room, partner, dashboard) until it asks again.

const RETRY_DELAYS_MS = [0, 1000, 2000, 5000];
const MAX_DELAY_MS = 10000;

export function createLive({ getKey, onStatus, onUnauthorized }) {
  const signalR = window.signalR;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/ecosystem', { accessTokenFactory: () => getKey() })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => RETRY_DELAYS_MS[ctx.previousRetryCount] ?? MAX_DELAY_MS })
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  const subscriptions = new Set();
  let status = 'connecting';
  let stopped = false;
  let restartTimer = null;
  let attempts = 0;

  const setStatus = (next, detail) => {
    status = next;
    onStatus(next, detail);
  };

  const runSubscriptions = () => {
    for (const sub of subscriptions) runOne(sub);
  };

  const runOne = (sub) => {
    Promise.resolve()
      .then(sub.watch)
      .catch((err) => sub.onError?.(hubMessage(err)));
  };

  async function start() {
    clearTimeout(restartTimer);
    if (stopped) return;
    setStatus(attempts === 0 ? 'connecting' : 'reconnecting');
    try {
      await connection.start();
      attempts = 0;
      setStatus('live');
      runSubscriptions();
    } catch (err) {
      if (isUnauthorized(err)) {
        onUnauthorized();
        return;
      }
      attempts++;
      const delay = RETRY_DELAYS_MS[attempts] ?? MAX_DELAY_MS;
      setStatus('offline', { retryAt: Date.now() + delay });
      restartTimer = setTimeout(start, delay);
    }
  }

  connection.onreconnecting(() => setStatus('reconnecting'));
  connection.onreconnected(() => {
    setStatus('live', { reconnected: true });
    runSubscriptions();
  });
  // Only after the automatic reconnect was stopped or the server refused: start over, with backoff.
  connection.onclose(() => {
    if (stopped) return;
    attempts++;
    const delay = RETRY_DELAYS_MS[attempts] ?? MAX_DELAY_MS;
    setStatus('offline', { retryAt: Date.now() + delay });
    restartTimer = setTimeout(start, delay);
  });

  return {
    start,
    get status() { return status; },
    retryNow() { attempts = Math.max(attempts, 1); start(); },
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      subscriptions.clear();
      await connection.stop();
    },
    /** Handles a push; returns the function that stops handling it. */
    on(name, handler) {
      connection.on(name, handler);
      return () => connection.off(name, handler);
    },
    invoke(method, ...args) {
      return connection.invoke(method, ...args).catch((err) => { throw new Error(hubMessage(err)); });
    },
    /**
     * watch() runs now if connected, and after every (re)connect. onError gets the hub's reason as text.
     * Returns the function that unsubscribes.
     */
    subscribe(watch, onError) {
      const sub = { watch, onError };
      subscriptions.add(sub);
      if (connection.state === signalR.HubConnectionState.Connected) runOne(sub);
      return () => subscriptions.delete(sub);
    },
  };
}

function isUnauthorized(err) {
  return err?.statusCode === 401 || /\b401\b/.test(String(err?.message ?? ''));
}

/** The hub's own words ("Deal 'x' does not exist.") without the client's framing. */
export function hubMessage(err) {
  const text = String(err?.message ?? err ?? 'Unknown error');
  const marker = 'HubException: ';
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text.replace(/^Error: /, '');
}
