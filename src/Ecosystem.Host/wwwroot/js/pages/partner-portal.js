// The partner portal: tier and what is missing for the next, health with its components, lead offers with
// accept/decline and a live countdown, the partner's deals and KPIs.
// Live: WatchPartner(partnerId) answers the partner; then PartnerChanged and LeadOffered.

import { api, seg, postEvent } from '../api.js';
import { h, fill, card, empty, errorBox, debounce } from '../dom.js';
import { money, dateTime, duration, words, number, percent } from '../format.js';
import { meter } from '../charts.js';

const SHOWN_DEALS = 20;

export function mountPartnerPortal(main, ctx, partnerId) {
  ctx.setTitle(`Partner ${partnerId}`);
  const canAnswer = ctx.me.role === 'admin' || (ctx.me.role === 'partner' && ctx.me.partnerId === partnerId);
  const offersKey = `eco.offers.${partnerId}`;
  const state = {
    view: null,
    program: null,
    offers: loadOffers(), // leadId → offer, kept for this tab's session
    dealIds: new Map(), // dealId → last seq seen in the partner's events
    dealsAfter: 0,
    deals: null,
    dealsError: null,
  };

  const header = h('section', { class: 'card partner-header', 'aria-labelledby': 'partner-title' },
    h('h1', { id: 'partner-title', text: `Partner ${partnerId}` }), h('p', { class: 'loading', text: 'Loading the partner…' }));
  const tierBody = h('div');
  const healthBody = h('div');
  const offersBody = h('div', { id: 'offers' });
  const offersStatus = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const dealsBody = h('div', { id: 'my-deals' });
  const kpiBody = h('div');
  const onboardingBody = h('div');

  const page = h('div', { class: 'page partner-portal' },
    header,
    h('div', { class: 'stack' },
      card('offers-card', 'Lead offers', offersStatus, offersBody),
      card('tier', 'Tier', tierBody),
      card('kpis', ctx.me.role === 'partner' ? 'My KPIs' : 'KPIs', kpiBody),
      card('health', 'Health', healthBody),
      card('deals', ctx.me.role === 'partner' ? 'My deals' : 'Deals', dealsBody),
      card('onboarding', 'Onboarding', onboardingBody)));
  fill(main, page);

  const offs = [
    ctx.live.on('PartnerChanged', (p) => { if (p.partnerId === partnerId) { render(p); refreshDeals(); } }),
    ctx.live.on('LeadOffered', (o) => {
      if (o.partnerId !== partnerId) return;
      state.offers.set(o.leadId, { leadId: o.leadId, accountId: o.accountId, expiresAt: o.expiresAt, status: 'open' });
      saveOffers();
      renderOffers();
      offersStatus.textContent = `New lead offer: ${o.accountId ?? o.leadId}.`;
    }),
  ];
  const unsubscribe = ctx.live.subscribe(async () => {
    render(await ctx.live.invoke('WatchPartner', partnerId));
    // WatchPartner reads the partner before it adds this connection to the partner's group: read once more after.
    const after = await api(`/api/partners/${seg(partnerId)}`);
    if ((after.eventCount ?? 0) >= (state.view?.eventCount ?? 0)) render(after);
    refreshDeals();
    recheckOffers();
  }, (message) => {
    fill(page, h('section', { class: 'card narrow', 'aria-labelledby': 'partner-title' },
      h('h1', { id: 'partner-title', text: `Partner ${partnerId}` }), errorBox(message)));
  });
  api('/api/program').then((p) => { state.program = p; if (state.view) render(state.view); }).catch(() => {});

  // The countdowns tick every second; nothing else is polled.
  const ticker = setInterval(tick, 1000);

  // ---- offers ---------------------------------------------------------------------------------
  function loadOffers() {
    try {
      const list = JSON.parse(sessionStorage.getItem(offersKey) ?? '[]');
      const dayAgo = Date.now() - 86400000;
      return new Map(list.filter((o) => Date.parse(o.expiresAt) > dayAgo).map((o) => [o.leadId, o]));
    } catch {
      return new Map();
    }
  }

  function saveOffers() {
    sessionStorage.setItem(offersKey, JSON.stringify([...state.offers.values()].map(({ busy, ...o }) => o)));
  }

  /** Offers seen earlier in this tab may have been answered elsewhere, or moved on: ask the lead. */
  async function recheckOffers() {
    for (const offer of state.offers.values()) {
      if (offer.status !== 'open') continue;
      try {
        const lead = await api(`/api/leads/${seg(offer.leadId)}`);
        if (lead.status === 'offered' && lead.offeredTo === partnerId) offer.expiresAt = lead.offerExpiresAt ?? offer.expiresAt;
        else if ((lead.status === 'accepted' || lead.status === 'converted') && lead.acceptedBy === partnerId) offer.status = 'accepted';
        else offer.status = 'closed';
      } catch {
        offer.status = 'closed';
      }
    }
    saveOffers();
    renderOffers();
  }

  async function answer(offer, type) {
    offer.busy = true;
    offer.error = null;
    renderOffers();
    try {
      const result = await postEvent({ type, leadId: offer.leadId, partnerId });
      if (result.status === 'rejected') {
        offer.error = result.error ?? 'The answer was not accepted.';
      } else {
        offer.status = type === 'lead.accepted' ? 'accepted' : 'declined';
        offersStatus.textContent = `Lead ${offer.accountId ?? offer.leadId} ${offer.status}.`;
      }
    } catch (err) {
      offer.error = err.message;
    } finally {
      offer.busy = false;
      saveOffers();
      renderOffers();
    }
  }

  function tick() {
    for (const el of offersBody.querySelectorAll('[data-expires]')) {
      const left = Date.parse(el.dataset.expires) - Date.now();
      if (left <= 0) {
        const offer = state.offers.get(el.dataset.lead);
        if (offer?.status === 'open') {
          offer.status = 'expired';
          saveOffers();
          renderOffers();
          return;
        }
      }
      el.textContent = duration(left);
    }
  }

  function renderOffers() {
    const offers = [...state.offers.values()].sort((a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt));
    if (!offers.length) {
      fill(offersBody, empty('No lead offers right now. New offers appear here the moment they are made, with the time left to answer.'));
      return;
    }
    fill(offersBody, h('ul', { class: 'offers' }, offers.map((o) => {
      const open = o.status === 'open';
      return h('li', { class: `offer offer-${o.status}`, dataset: { lead: o.leadId, status: o.status } },
        h('div', { class: 'offer-what' },
          h('strong', { text: o.accountId ?? o.leadId }),
          h('span', { class: 'hint', text: ` lead ${o.leadId}` })),
        open
          ? h('p', { class: 'countdown' }, 'Expires in ',
            h('time', { datetime: o.expiresAt, dataset: { expires: o.expiresAt, lead: o.leadId }, text: duration(Date.parse(o.expiresAt) - Date.now()) }))
          : h('p', { class: `badge status-${o.status}`, text: offerStatusText(o.status) }),
        open && canAnswer
          ? h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'primary', disabled: o.busy, onclick: () => answer(o, 'lead.accepted'), 'aria-label': `Accept lead ${o.accountId ?? o.leadId}`, text: 'Accept' }),
            h('button', { type: 'button', disabled: o.busy, onclick: () => answer(o, 'lead.declined'), 'aria-label': `Decline lead ${o.accountId ?? o.leadId}`, text: 'Decline' }))
          : null,
        o.error ? errorBox(o.error) : null);
    })));
  }

  // ---- deals ----------------------------------------------------------------------------------
  /** The partner's deals: every deal its events name (registrations, touches), newest activity first. */
  async function loadDeals() {
    try {
      for (let pages = 0; pages < 20; pages++) {
        const page = await api(`/api/partners/${seg(partnerId)}/events?after=${state.dealsAfter}&limit=1000`);
        for (const e of page.events) {
          if (e.event.dealId) state.dealIds.set(e.event.dealId, e.seq);
        }
        if (page.next === null || page.next === undefined || page.events.length < 1000) {
          if (page.next) state.dealsAfter = page.next;
          break;
        }
        state.dealsAfter = page.next;
      }
      const ids = [...state.dealIds.entries()].sort((a, b) => b[1] - a[1]).slice(0, SHOWN_DEALS).map(([id]) => id);
      const views = await Promise.all(ids.map((id) => api(`/api/deals/${seg(id)}`).catch(() => null)));
      state.deals = views.filter(Boolean);
      state.dealsError = null;
    } catch (err) {
      state.dealsError = err.message;
    }
    renderDeals();
  }
  const refreshDeals = debounce(loadDeals, 500);

  function renderDeals() {
    if (state.dealsError) {
      fill(dealsBody, errorBox(state.dealsError));
      return;
    }
    if (!state.deals) {
      fill(dealsBody, h('p', { class: 'loading', text: 'Loading deals…' }));
      return;
    }
    if (!state.deals.length) {
      fill(dealsBody, empty('No deals yet. Deals this partner registers or touches show here.'));
      return;
    }
    fill(dealsBody,
      state.dealIds.size > SHOWN_DEALS ? h('p', { class: 'hint', text: `The ${SHOWN_DEALS} most recently active of ${state.dealIds.size} deals.` }) : null,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Deal', 'Stage', 'Amount', 'Status'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, state.deals.map((d) => h('tr', { dataset: { deal: d.dealId } },
          h('th', { scope: 'row' }, h('a', { href: `#/deal/${seg(d.dealId)}`, text: d.dealId }), h('span', { class: 'detail', text: d.accountId ?? '' })),
          h('td', { text: d.outcome ? words(d.outcome) : words(d.stage) }),
          h('td', { class: 'num', text: money(d.amount, d.currency) }),
          h('td', {}, d.registration ? h('span', { class: `badge status-${d.registration.status}`, text: words(d.registration.status) }) : '—')))))));
  }

  // ---- partner --------------------------------------------------------------------------------
  function render(view) {
    state.view = view;
    const currency = state.program?.reportingCurrency;
    fill(header,
      h('h1', { id: 'partner-title' }, view.name, h('span', { class: 'subtitle', text: ` · ${view.partnerId}` })),
      h('p', { class: 'tags' },
        h('span', { class: 'badge', text: words(view.partnerType) }),
        h('span', { class: 'badge', text: view.region }),
        h('span', { class: `badge stage-${view.lifecycleStage}`, dataset: { stage: view.lifecycleStage }, text: words(view.lifecycleStage) }),
        view.acceptsLeads ? h('span', { class: 'badge', text: `takes leads (capacity ${view.capacity})` }) : h('span', { class: 'badge', text: 'takes no leads' })),
      view.atRisk?.atRisk ? h('p', { class: 'warning', role: 'status', text: `At risk: ${view.atRisk.reason ?? 'health is low'}` }) : null);

    const progress = view.tierProgress;
    const graceDays = state.program?.tiers?.demotionGraceDays;
    fill(tierBody,
      h('p', { class: 'big', dataset: { tier: view.tier ?? '' }, text: view.tier ? words(view.tier) : 'No tier yet' }),
      progress?.nextTier
        ? h('div', {}, h('p', { text: `For ${words(progress.nextTier)}:` }),
          progress.missing?.length ? h('ul', { class: 'missing' }, progress.missing.map((m) => h('li', { text: m }))) : h('p', { class: 'hint', text: 'Nothing missing; the move happens at the next evaluation.' }))
        : h('p', { class: 'hint', text: 'The top tier.' }),
      progress?.missingToKeep?.length
        ? h('div', { class: 'warning' },
          h('p', { text: `To keep ${words(view.tier)}${progress.belowSince && graceDays !== undefined ? ` (grace until ${dateTime(new Date(Date.parse(progress.belowSince) + graceDays * 86400000).toISOString())})` : ''}:` }),
          h('ul', {}, progress.missingToKeep.map((m) => h('li', { text: m }))))
        : null);

    const health = view.health;
    fill(healthBody, health
      ? [h('p', { class: 'big', dataset: { health: health.score } }, String(health.score), h('span', { class: 'hint', text: ' / 100' })),
        meter({ label: 'Health', value: health.score, className: health.score < (state.program?.health?.atRiskThreshold ?? 40) ? 'low' : '' }),
        h('table', { class: 'components' },
          h('caption', { class: 'visually-hidden', text: 'Health components' }),
          h('thead', {}, h('tr', {}, ['Component', 'Score', 'Weight', ''].map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', {}, health.components.map((c) => h('tr', {},
            h('th', { scope: 'row' }, words(c.name), h('span', { class: 'detail', text: c.detail })),
            h('td', { class: 'num', text: number(c.score, 0) }),
            h('td', { class: 'num', text: `${number(c.weight, 0)}%` }),
            h('td', { class: 'meter-cell' }, meter({ label: words(c.name), value: Number(c.score) })))))),
        h('p', { class: 'hint', text: `Updated ${dateTime(health.updatedAt)}` })]
      : empty('No health score yet.'));

    const k = view.kpis ?? {};
    const accepted = k.leadsAccepted ?? 0;
    const answered = accepted + (k.leadsDeclined ?? 0) + (k.leadsExpired ?? 0);
    fill(kpiBody, h('dl', { class: 'kpis' },
      kpi('Sourced revenue', money(k.sourcedRevenue, currency), 'sourcedRevenue', k.sourcedRevenue),
      kpi('Influenced revenue', money(k.influencedRevenue, currency), 'influencedRevenue', k.influencedRevenue),
      kpi('Attributed revenue', money(k.attributedRevenue, currency), 'attributedRevenue', k.attributedRevenue),
      kpi('Deals won / lost', `${k.wonDeals ?? 0} / ${k.lostDeals ?? 0}`, 'wonDeals', k.wonDeals),
      kpi('Leads offered', String(k.leadsOffered ?? 0), 'leadsOffered', k.leadsOffered),
      kpi('Leads accepted', `${accepted}${answered ? ` (${percent(accepted / answered, 0)})` : ''}`, 'leadsAccepted', accepted),
      kpi('Leads declined / expired', `${k.leadsDeclined ?? 0} / ${k.leadsExpired ?? 0}`, 'leadsDeclined', k.leadsDeclined),
      kpi('Certifications', String(k.certifications ?? 0), 'certifications', k.certifications)),
      k.unconverted?.length ? h('p', { class: 'hint', text: `${k.unconverted.length} won deal(s) in a currency without an FX rate are not in the revenue figures.` }) : null);

    const steps = view.onboarding?.steps ?? [];
    fill(onboardingBody, steps.length
      ? [h('ol', { class: 'steps' }, steps.map((st) => h('li', { class: st.done ? 'done' : '' },
        h('span', { class: 'check', 'aria-hidden': 'true', text: st.done ? '✓' : '○' }),
        words(st.name), st.done ? h('span', { class: 'hint', text: ` · ${dateTime(st.at)}` }) : h('span', { class: 'visually-hidden', text: ' (to do)' })))),
      view.onboarding.activationDays !== undefined && view.onboarding.activationDays !== null
        ? h('p', { class: 'hint', text: `Activated in ${number(view.onboarding.activationDays, 1)} days.` }) : null]
      : empty('No onboarding steps yet.'));
  }

  renderOffers();
  renderDeals();

  return () => {
    offs.forEach((off) => off());
    unsubscribe();
    refreshDeals.cancel();
    clearInterval(ticker);
    if (ctx.live.status === 'live') ctx.live.invoke('UnwatchPartner', partnerId).catch(() => {});
  };
}

function kpi(term, text, name, value) {
  return h('div', { class: 'kpi', dataset: { kpi: name, value: value ?? 0 } }, h('dt', { text: term }), h('dd', { text }));
}

function offerStatusText(status) {
  switch (status) {
    case 'accepted': return 'Accepted: the lead is yours';
    case 'declined': return 'Declined';
    case 'expired': return 'Expired: the lead moved on';
    default: return 'No longer offered';
  }
}
