// The deal room: header, live timeline, attribution bars with a model switch, chat and presence.
// Live: JoinDeal(dealId) answers the deal; then DealChanged, AttributionChanged, DealMessage and PresenceChanged.

import { api, seg } from '../api.js';
import { h, fill, card, empty, errorBox, debounce } from '../dom.js';
import { money, dateTime, time, words, percent, number } from '../format.js';

const MODELS = ['position_based', 'first_touch', 'last_touch', 'linear', 'time_decay', 'role_weighted'];
const SHOWN_TIMELINE = 100;

export function mountDealRoom(main, ctx, dealId) {
  ctx.setTitle(`Deal ${dealId}`);
  const state = {
    deal: null,
    timeline: new Map(), // seq → entry: pushes carry only the latest entries, so entries are merged by seq
    model: null, // the model the switch shows; null until the deal tells the program's default
    defaultModel: null,
    attribution: null,
    attributionError: null,
    present: [],
    messages: [],
    messageKeys: new Set(),
  };

  const header = h('section', { class: 'card deal-header', 'aria-labelledby': 'deal-title' },
    h('h1', { id: 'deal-title', text: `Deal ${dealId}` }), h('p', { class: 'loading', text: 'Joining the deal room…' }));
  const modelSelect = h('select', { id: 'attribution-model', name: 'model' },
    MODELS.map((m) => h('option', { value: m, text: words(m) })));
  const attributionBody = h('div', { id: 'attribution-bars' });
  const timelineBody = h('div');
  const presenceBody = h('div');
  const chatLog = h('ol', { class: 'chat-log', id: 'chat-log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const chatInput = h('input', { id: 'chat-text', name: 'text', autocomplete: 'off', maxlength: 10000, required: true, 'aria-describedby': 'chat-error' });
  const chatError = h('div', { id: 'chat-error' });
  const chatForm = h('form', { class: 'chat-form' },
    h('label', { for: 'chat-text', class: 'visually-hidden', text: 'Message' }),
    chatInput,
    h('button', { type: 'submit', class: 'primary', text: 'Send' }));

  const page = h('div', { class: 'page deal-room' },
    header,
    h('div', { class: 'columns' },
      h('div', { class: 'column-main' },
        card('attribution', 'Attribution',
          h('div', { class: 'toolbar' }, h('label', { for: 'attribution-model', text: 'Model' }), modelSelect),
          attributionBody),
        card('timeline', 'Timeline', timelineBody)),
      h('div', { class: 'column-side' },
        card('presence', 'In the room', presenceBody),
        card('chat', 'Chat', chatLog, chatForm, chatError))));
  fill(main, page);

  // ---- live -----------------------------------------------------------------------------------
  const offs = [
    ctx.live.on('DealChanged', (deal) => { if (deal.dealId === dealId) applyDeal(deal); }),
    ctx.live.on('AttributionChanged', (a) => {
      if (a.dealId !== dealId) return;
      state.defaultModel ??= a.model;
      if ((state.model ?? a.model) === a.model) showAttribution(a);
      else refetchAttribution();
    }),
    ctx.live.on('DealMessage', (m) => { if (m.dealId === dealId) addMessage(m.author, m.text, m.at); }),
    ctx.live.on('PresenceChanged', (p) => { if (p.dealId === dealId) { state.present = p.present; renderPresence(); } }),
  ];
  let joins = 0;
  const unsubscribe = ctx.live.subscribe(async () => {
    const deal = await ctx.live.invoke('JoinDeal', dealId);
    applyDeal(deal);
    // JoinDeal reads the deal before it adds this connection to the room, so a change in between would reach
    // neither; a read after the join closes that gap (ignored if a push was newer).
    const after = await api(`/api/deals/${seg(dealId)}`);
    if ((after.timelineCount ?? 0) >= (state.deal?.timelineCount ?? 0)) applyDeal(after);
    if (state.model && state.model !== state.defaultModel) refetchAttribution();
    page.dataset.joins = String(++joins); // how many times this page (re)joined the room
  }, (message) => {
    fill(page, h('section', { class: 'card narrow', 'aria-labelledby': 'deal-title' },
      h('h1', { id: 'deal-title', text: `Deal ${dealId}` }),
      errorBox(message),
      h('p', { text: 'A partner key sees only deals its partner registered or touched.' }),
      h('p', {}, h('a', { href: '#/deal', text: 'Open another deal' }))));
  });

  modelSelect.addEventListener('change', () => {
    state.model = modelSelect.value;
    refetchAttribution.cancel();
    fetchAttribution();
  });

  chatForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = chatInput.value.trim();
    if (!text) return;
    fill(chatError);
    const button = chatForm.querySelector('button');
    button.disabled = true;
    try {
      await ctx.live.invoke('SendDealMessage', dealId, text);
      chatInput.value = '';
    } catch (err) {
      fill(chatError, errorBox(`Not sent: ${err.message}`));
    } finally {
      button.disabled = false;
      chatInput.focus();
    }
  });

  // ---- state ----------------------------------------------------------------------------------
  let fetchingFull = false;
  function applyDeal(deal) {
    state.deal = deal;
    for (const entry of deal.timeline ?? []) state.timeline.set(entry.seq, entry);
    for (const entry of deal.timeline ?? []) {
      if (entry.event.type === 'deal.message') addMessage(entry.event.author, entry.event.text, entry.event.occurredAt);
    }
    // A push holds the latest 50 entries; a gap (more events than we hold) is filled from the full view.
    if ((deal.timelineCount ?? 0) > state.timeline.size && !fetchingFull) {
      fetchingFull = true;
      api(`/api/deals/${seg(dealId)}`)
        .then((full) => { for (const entry of full.timeline ?? []) state.timeline.set(entry.seq, entry); renderTimeline(); })
        .catch(() => {})
        .finally(() => { fetchingFull = false; });
    }
    if (deal.attribution) {
      state.defaultModel ??= deal.attribution.model;
      if (!state.model) {
        state.model = deal.attribution.model;
        modelSelect.value = state.model;
      }
      if (state.model === deal.attribution.model) showAttribution(deal.attribution);
    } else if (!state.attribution) {
      state.model ??= modelSelect.value;
      renderAttribution();
    }
    renderHeader();
    renderTimeline();
  }

  async function fetchAttribution() {
    const model = state.model;
    try {
      const a = await api(`/api/deals/${seg(dealId)}/attribution?model=${encodeURIComponent(model)}`);
      if (state.model === model) showAttribution(a);
    } catch (err) {
      if (state.model !== model) return;
      state.attribution = null;
      state.attributionError = err.status === 409 ? null : err.message;
      renderAttribution();
    }
  }
  const refetchAttribution = debounce(fetchAttribution, 150);

  function showAttribution(a) {
    state.attribution = a;
    state.attributionError = null;
    renderAttribution();
  }

  function addMessage(author, text, at) {
    const key = `${author}\u0000${text}\u0000${Date.parse(at)}`;
    if (state.messageKeys.has(key)) return;
    state.messageKeys.add(key);
    state.messages.push({ author, text, at });
    state.messages.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    renderChat();
  }

  // ---- rendering ------------------------------------------------------------------------------
  function renderHeader() {
    const d = state.deal;
    const reg = d.registration;
    fill(header,
      h('h1', { id: 'deal-title' }, `Deal ${d.dealId}`, d.accountId ? h('span', { class: 'subtitle', text: ` · ${d.accountId}` }) : null),
      h('dl', { class: 'facts' },
        fact('Account', d.accountId ?? '—', 'account'),
        fact('Stage', words(d.stage), 'stage'),
        fact('Amount', money(d.amount, d.currency), 'amount'),
        fact('Registration', reg
          ? h('span', {}, h('span', { class: `badge status-${reg.status}`, text: words(reg.status) }),
            reg.conflictsWith ? h('span', {}, ' with ', h('a', { href: `#/deal/${seg(reg.conflictsWith)}`, text: reg.conflictsWith })) : null,
            reg.expiresAt ? h('span', { class: 'hint', text: ` protected until ${dateTime(reg.expiresAt)}` }) : null)
          : 'not registered', 'registration'),
        fact('Registered by', d.registeredBy ?? '—', 'registered-by'),
        d.outcome ? fact('Outcome', `${words(d.outcome)} · ${dateTime(d.closedAt)}`, 'outcome') : null,
        fact('Participants', (d.participants ?? []).map((p) => `${p.id} (${p.roles?.length ? p.roles.map(words).join(', ') : p.kind})`).join(', ') || '—', 'participants')));
  }

  function renderAttribution() {
    const a = state.attribution;
    if (state.attributionError) {
      fill(attributionBody, errorBox(state.attributionError));
      return;
    }
    if (!a) {
      fill(attributionBody, empty('No amount yet, so nothing to attribute. Credits appear when the deal has an amount and a partner touch.'));
      return;
    }
    if (!a.credits.length) {
      fill(attributionBody, empty('No partner touches yet: no credits.'));
      return;
    }
    const list = h('ul', { class: 'credits', dataset: { model: a.model } },
      a.credits.map((c, i) => {
        const tipId = `touches-${i}`;
        return h('li', { class: 'credit', tabindex: 0, 'aria-describedby': tipId, dataset: { partner: c.partnerId, share: c.share, amount: c.amount } },
          h('span', { class: 'credit-name' }, c.partnerId, c.sourced ? h('span', { class: 'badge', text: 'sourced' }) : null),
          bar(c.share),
          h('span', { class: 'credit-amount', text: `${money(c.amount, a.currency)} · ${percent(c.share)}` }),
          h('div', { class: 'tooltip', role: 'tooltip', id: tipId },
            h('strong', { text: `${c.partnerId}: ${c.touches.length} touch${c.touches.length === 1 ? '' : 'es'} under ${words(a.model)}` }),
            h('ul', {}, c.touches.map((t) => h('li', { text: `${dateTime(t.at)} · ${words(t.role)} · weight ${number(t.weight, 4)}` })))));
      }));
    fill(attributionBody,
      h('p', { class: 'hint', text: `${money(a.amount, a.currency)} split by ${words(a.model)}${state.deal?.outcome === 'won' ? '' : ' (projected while open)'}. Hover or focus a bar for its touches.` }),
      list);
  }

  function renderTimeline() {
    const entries = [...state.timeline.values()].sort((a, b) => b.seq - a.seq);
    const total = Math.max(state.deal?.timelineCount ?? 0, entries.length);
    if (!entries.length) {
      fill(timelineBody, empty('No events yet.'));
      return;
    }
    fill(timelineBody,
      h('p', { class: 'hint', text: total > SHOWN_TIMELINE ? `The latest ${SHOWN_TIMELINE} of ${total} events, newest first.` : `${total} event${total === 1 ? '' : 's'}, newest first.` }),
      h('ol', { class: 'timeline', id: 'timeline-list' },
        entries.slice(0, SHOWN_TIMELINE).map((entry) => h('li', { dataset: { seq: entry.seq, type: entry.event.type } },
          h('time', { datetime: entry.event.occurredAt, text: dateTime(entry.event.occurredAt) }),
          h('span', { class: 'event-type', text: entry.event.type }),
          h('span', { class: 'event-text', text: describe(entry.event) })))));
  }

  function renderPresence() {
    if (!state.present.length) {
      fill(presenceBody, empty('Nobody else is here.'));
      return;
    }
    fill(presenceBody, h('ul', { class: 'presence', id: 'presence-list' },
      state.present.map((name) => h('li', { dataset: { name } }, h('span', { class: 'dot', 'aria-hidden': 'true' }), name, name === ctx.me.name ? h('span', { class: 'hint', text: ' (you)' }) : null))));
  }

  function renderChat() {
    if (!state.messages.length) {
      fill(chatLog, h('li', { class: 'empty', text: 'No messages yet. Say hello.' }));
      return;
    }
    fill(chatLog, state.messages.map((m) => h('li', { class: m.author === ctx.me.name ? 'mine' : '' },
      h('span', { class: 'author', text: m.author }),
      h('time', { datetime: m.at, text: time(m.at) }),
      h('p', { class: 'text', text: m.text }))));
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  renderPresence();
  renderChat();

  return () => {
    offs.forEach((off) => off());
    unsubscribe();
    refetchAttribution.cancel();
    if (ctx.live.status === 'live') ctx.live.invoke('LeaveDeal', dealId).catch(() => {});
  };
}

function fact(term, value, name) {
  return h('div', { class: 'fact', dataset: { fact: name } }, h('dt', { text: term }), h('dd', {}, value));
}

function bar(share) {
  const width = Math.max(0, Math.min(1, share)) * 100;
  return h('svg:svg', { class: 'credit-bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    h('svg:rect', { x: 0, y: 0, width: 100, height: 10, rx: 2, class: 'track' }),
    h('svg:rect', { x: 0, y: 0, width, height: 10, rx: 2, class: 'fill' }));
}

/** One line per event, in words. */
export function describe(e) {
  switch (e.type) {
    case 'deal.registered': return `Registered by ${e.partnerId} for ${e.accountId}: ${money(e.amount, e.currency)}`;
    case 'deal.registration_reviewed': return `Registration ${words(e.decision)}`;
    case 'deal.touch': return `${e.partnerId}: ${words(e.role)} touch${e.activity ? ` (${words(e.activity)})` : ''}`;
    case 'deal.stage_changed': return `Stage → ${words(e.stage)}`;
    case 'deal.amount_changed': return `Amount → ${money(e.amount, e.currency)}`;
    case 'deal.closed': return `Closed ${words(e.outcome)}${e.amount !== undefined ? ` at ${money(e.amount, e.currency)}` : ''}`;
    case 'deal.message': return `${e.author}: ${e.text}`;
    case 'lead.converted': return `Converted from lead ${e.leadId}`;
    default: return words(e.type);
  }
}
