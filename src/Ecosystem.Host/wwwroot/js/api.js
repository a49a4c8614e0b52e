// HTTP calls to /api with the signed-in key. Errors are RFC 9457 problem details; they become ApiError.

const KEY_ITEM = 'eco.apiKey';

let key = sessionStorage.getItem(KEY_ITEM);
let onUnauthorized = () => {};

export const getKey = () => key;

/** Kept in sessionStorage only: it lives as long as this tab and is never written to disk by the page. */
export function setKey(value) {
  key = value;
  if (value) sessionStorage.setItem(KEY_ITEM, value);
  else sessionStorage.removeItem(KEY_ITEM);
}

/** Called when a call answers 401 (the key was revoked while the page was open). */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  if (status === 0) return 'The server cannot be reached. Check the connection and try again.';
  if (status === 401) return 'This API key was not accepted. It may be mistyped or revoked.';
  if (status === 403) return problem?.detail ?? 'This key is not allowed to do this.';
  if (status === 404) return problem?.detail ?? 'Not found, or not visible to this key.';
  if (status === 429) return 'Too many requests for this key; wait a moment and retry.';
  const errors = problem?.errors ? Object.entries(problem.errors).map(([k, v]) => `${k}: ${[v].flat().join(', ')}`).join('; ') : '';
  return [problem?.detail ?? problem?.title ?? `The server answered ${status}.`, errors].filter(Boolean).join(' ');
}

/**
 * api('/api/deals/d1') → the parsed JSON. `options.key` overrides the session key (sign-in checks a key
 * before keeping it). A 429 is retried once after its Retry-After (at most 5 s).
 */
export async function api(path, { method = 'GET', body, key: explicitKey, retried = false } = {}) {
  const headers = { Accept: 'application/json' };
  const k = explicitKey ?? key;
  if (k) headers.Authorization = `Bearer ${k}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }

  if (response.status === 429 && !retried) {
    const wait = Math.min(5, Number(response.headers.get('Retry-After')) || 1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    return api(path, { method, body, key: explicitKey, retried: true });
  }

  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    if (response.status === 401 && explicitKey === undefined) onUnauthorized();
    throw new ApiError(response.status, problem);
  }

  return response.status === 204 ? null : response.json();
}

/** A path segment: ids may hold '/', '?' or any printable character. */
export const seg = (id) => encodeURIComponent(id);

/** A fresh event id (the idempotency key). crypto.randomUUID needs a secure context; getRandomValues does not. */
export function newEventId(prefix = 'web') {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** POST /api/events with one event; resolves to its result {id, status, error?}. */
export async function postEvent(event) {
  const answer = await api('/api/events', {
    method: 'POST',
    body: [{ id: newEventId(), occurredAt: new Date().toISOString(), ...event }],
  });
  return answer.results[0];
}
