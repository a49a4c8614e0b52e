// The shell: sign-in, the session, the connection banner and hash routing to the three pages.
//   #/deal/{dealId}     the deal room            (admin, rep, a partner on the deal)
//   #/partner[/{id}]    the partner portal       (a partner key: its own; admin and rep: any partner)
//   #/dashboard         the channel dashboard    (admin, rep)

import { api, ApiError, getKey, setKey, whenUnauthorized, seg } from './api.js';
import { createLive } from './live.js';
import { h, fill, errorBox } from './dom.js';
import { duration } from './format.js';
import { mountDealRoom } from './pages/deal-room.js';
import { mountPartnerPortal } from './pages/partner-portal.js';
import { mountDashboard } from './pages/dashboard.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const sessionBox = document.getElementById('session');
const banner = document.getElementById('connection');

let me = null;
let live = null;
let unmount = null;
let signInNotice = null;

document.getElementById('skip-link').addEventListener('click', (e) => {
  // The link would change the hash, which is the router's; move focus instead.
  e.preventDefault();
  main.focus();
});

whenUnauthorized(() => signOut('This API key is no longer accepted (revoked or mistyped). Sign in again.'));
window.addEventListener('hashchange', route);
start();

async function start() {
  if (!getKey()) {
    showSignIn();
    return;
  }
  try {
    me = await api('/api/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      signOut('This API key is no longer accepted (revoked or mistyped). Sign in again.');
    } else {
      fill(main, h('section', { class: 'card narrow' },
        h('h1', { text: 'Cannot load your session' }),
        errorBox(err.message),
        h('button', { type: 'button', onclick: start, text: 'Try again' })));
    }
    return;
  }
  live = createLive({ getKey, onStatus: showStatus, onUnauthorized: () => signOut('This API key is no longer accepted. Sign in again.') });
  renderSession();
  route();
  live.start();
}

function signOut(notice = null) {
  setKey(null);
  me = null;
  unmount?.();
  unmount = null;
  live?.stop();
  live = null;
  signInNotice = notice;
  banner.hidden = true;
  fill(nav);
  fill(sessionBox);
  showSignIn();
}

function showSignIn() {
  document.title = 'Sign in · Ecosystem';
  const error = h('div', { id: 'sign-in-error' }, signInNotice && errorBox(signInNotice));
  signInNotice = null;
  const input = h('input', {
    id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
    'aria-describedby': 'api-key-help sign-in-error',
  });
  const button = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
  const form = h('form', { class: 'card narrow sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', text: 'Sign in' }),
    h('label', { for: 'api-key', text: 'API key' }),
    input,
    h('p', { id: 'api-key-help', class: 'hint', text: 'Your admin, rep or partner key. It is kept in this browser tab only (session storage) and sent to this server alone.' }),
    error,
    button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    fill(error);
    try {
      const who = await api('/api/me', { key });
      setKey(key);
      input.value = '';
      me = who;
      if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = homeFor(who);
      await start();
    } catch (err) {
      fill(error, errorBox(err instanceof ApiError && err.status === 401
        ? 'That key was not accepted. Check it and try again.'
        : err.message));
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, form);
  input.focus();
}

const homeFor = (who) => (who.role === 'partner' ? '#/partner' : '#/dashboard');

function renderSession() {
  const internal = me.role !== 'partner';
  const links = internal
    ? [['#/dashboard', 'Dashboard'], ['#/partner', 'Partner portal'], ['#/deal', 'Deal room']]
    : [['#/partner', 'My portal'], ['#/deal', 'Deal room']];
  fill(nav, h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { href, text, dataset: { nav: href } })))));
  fill(sessionBox,
    h('span', { class: 'who' }, h('span', { class: 'visually-hidden', text: 'Signed in as ' }), me.name, ' ', h('span', { class: 'role', text: me.role })),
    h('span', { id: 'live-dot', class: 'live-dot', dataset: { state: live?.status ?? 'connecting' }, title: 'Connection' }),
    h('button', { type: 'button', class: 'link', onclick: () => signOut(), text: 'Sign out' }));
}

function route() {
  if (!me) return;
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, ...rest] = hash.split('/');
  const id = rest.length ? decodeURIComponent(rest.join('/')) : null;
  unmount?.();
  unmount = null;
  fill(main);
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.nav === '#/' + page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }

  const ctx = { me, live, main, setTitle: (t) => { document.title = `${t} · Ecosystem`; } };
  switch (page) {
    case 'deal':
      unmount = id ? mountDealRoom(main, ctx, id) : picker(ctx, 'deal', 'Deal room', 'Deal id', 'Open the deal room');
      break;
    case 'partner':
      if (me.role === 'partner' && !id) unmount = mountPartnerPortal(main, ctx, me.partnerId);
      else unmount = id ? mountPartnerPortal(main, ctx, id) : picker(ctx, 'partner', 'Partner portal', 'Partner id', 'Open the portal');
      break;
    case 'dashboard':
      unmount = mountDashboard(main, ctx);
      break;
    default:
      location.replace(homeFor(me));
  }
}

/** A page that asks for an id: #/deal and, for the channel team, #/partner. */
function picker(ctx, page, title, label, action) {
  ctx.setTitle(title);
  const input = h('input', { id: `${page}-id`, name: 'id', required: true, autocomplete: 'off' });
  const form = h('form', { class: 'card narrow' },
    h('h1', { text: title }),
    h('label', { for: `${page}-id`, text: label }),
    input,
    h('button', { type: 'submit', class: 'primary', text: action }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) location.hash = `#/${page}/${seg(input.value.trim())}`;
  });
  fill(main, form);
  input.focus();
  return null;
}

let reconnectedTimer = null;
let countdownTimer = null;

/** The connection, shown in the header dot and, when it is not live, in a banner that says what happens next. */
function showStatus(state, detail) {
  document.getElementById('live-dot')?.setAttribute('data-state', state);
  clearTimeout(reconnectedTimer);
  clearInterval(countdownTimer);
  banner.dataset.state = state;
  switch (state) {
    case 'live':
      if (detail?.reconnected) {
        banner.hidden = false;
        fill(banner, 'Reconnected. The page is live again.');
        reconnectedTimer = setTimeout(() => { banner.hidden = true; }, 4000);
      } else {
        banner.hidden = true;
      }
      break;
    case 'connecting':
      banner.hidden = false;
      fill(banner, 'Connecting…');
      break;
    case 'reconnecting':
      // A revoked key also drops the connection; a call with it answers 401, which signs out.
      api('/api/me').catch(() => {});
      banner.hidden = false;
      fill(banner, 'Connection lost. Reconnecting automatically; what you see may be out of date.');
      break;
    case 'offline': {
      banner.hidden = false;
      const left = h('span');
      const tick = () => fill(left, `retrying in ${duration(detail.retryAt - Date.now())}`);
      tick();
      countdownTimer = setInterval(tick, 1000);
      fill(banner, 'Cannot reach the server, ', left, '. ',
        h('button', { type: 'button', class: 'link', onclick: () => live?.retryNow(), text: 'Retry now' }));
      break;
    }
  }
}
