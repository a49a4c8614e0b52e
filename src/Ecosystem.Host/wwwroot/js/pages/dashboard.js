// The channel dashboard: the metrics of GET /api/metrics, live (WatchDashboard, then MetricsChanged), with
// small charts, the at-risk partners, the unroutable leads and the registrations waiting for review.
// Events per second: GET /api/log every 2 s gives the log's last sequence number (cluster-wide);
// the difference between two readings over the time between them is the rate of accepted events.

import { api, seg, postEvent } from '../api.js';
import { h, fill, card, empty, errorBox, debounce } from '../dom.js';
import { money, compactMoney, number, percent, seconds, dateTime, words, time } from '../format.js';
import { barChart, lineChart } from '../charts.js';

const RATE_EVERY_MS = 2000;
const RATE_WINDOW_MS = 60000;

export function mountDashboard(main, ctx) {
  ctx.setTitle('Channel dashboard');
  if (ctx.me.role === 'partner') {
    fill(main, h('section', { class: 'card narrow' },
      h('h1', { text: 'Channel dashboard' }),
      errorBox('The dashboard is for the channel team (admin and rep keys).'),
      h('p', {}, h('a', { href: '#/partner', text: 'Go to your partner portal' }))));
    return null;
  }

  const state = {
    metrics: null,
    rates: [], // [{ t, v }] events per second
    lastHead: null,
    atRisk: null, atRiskError: null, atRiskKey: null,
    unroutable: null, unroutableError: null, unroutableKey: null,
    pending: null, pendingError: null, pendingKey: null,
    reviewNotice: null,
  };

  const updated = h('p', { class: 'hint', id: 'metrics-updated', role: 'status' }, 'Loading the figures…');
  const figures = h('div', { class: 'metrics', id: 'metrics' });
  const revenueChart = h('div');
  const leadsChart = h('div');
  const rateChart = h('div', { id: 'events-per-second' });
  const partnersBody = h('div');
  const atRiskBody = h('div', { id: 'at-risk' });
  const unroutableBody = h('div', { id: 'unroutable' });
  const pendingBody = h('div', { id: 'pending-registrations' });
  const reviewStatus = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  const page = h('div', { class: 'page dashboard' },
    h('div', { class: 'page-title' },
      h('h1', { id: 'dashboard-title', text: 'Channel dashboard' }), updated),
    figures,
    h('div', { class: 'grid charts' },
      card('revenue-chart', 'Revenue by partner type', revenueChart),
      card('leads-chart', 'Leads by outcome', leadsChart),
      card('rate-chart', 'Events per second', rateChart)),
    h('div', { class: 'grid' },
      card('review', 'Registrations waiting for review', reviewStatus, pendingBody),
      card('risk', 'Partners at risk', atRiskBody),
      card('unroutable-card', 'Unroutable leads', unroutableBody),
      card('partners', 'Partners', partnersBody)));
  fill(main, page);

  const offs = [ctx.live.on('MetricsChanged', (m) => render(m))];
  const unsubscribe = ctx.live.subscribe(async () => {
    render(await ctx.live.invoke('WatchDashboard'));
  }, (message) => fill(figures, errorBox(message)));

  const rateTimer = setInterval(readRate, RATE_EVERY_MS);
  readRate();

  // ---- figures --------------------------------------------------------------------------------
  function render(m) {
    state.metrics = m;
    const cur = m.revenue?.currency;
    const leads = m.leads ?? {};
    const ig = m.integrations ?? {};
    fill(updated, `Live · updated ${time(m.updatedAt)}`);
    fill(figures,
      metric('revenue.sourced', 'Partner-sourced revenue', money(m.revenue?.sourced?.won, cur), m.revenue?.sourced?.won,
        `won in ${m.revenue?.sourced?.wonDeals ?? 0} deals · ${compactMoney(m.revenue?.sourced?.open, cur)} open pipeline`),
      metric('revenue.influenced', 'Partner-influenced revenue', money(m.revenue?.influenced?.won, cur), m.revenue?.influenced?.won,
        `won in ${m.revenue?.influenced?.wonDeals ?? 0} deals · ${compactMoney(m.revenue?.influenced?.open, cur)} open pipeline`),
      metric('partners.total', 'Partners', number(m.partners?.total, 0), m.partners?.total,
        `${m.atRiskPartners?.length ?? 0} at risk`),
      metric('activation.medianDays', 'Activation velocity', m.activation?.medianDays === null || m.activation?.medianDays === undefined ? '—' : `${number(m.activation.medianDays, 1)} days`,
        m.activation?.medianDays, `median, terms signed → first deal or lead · ${m.activation?.activatedPartners ?? 0} activated`),
      metric('leads.offered', 'Leads offered', number(leads.offered, 0), leads.offered,
        `${leads.accepted ?? 0} accepted · ${leads.declined ?? 0} declined · ${leads.expired ?? 0} expired`),
      metric('leads.medianSecondsToAccept', 'Time to accept', seconds(leads.medianSecondsToAccept), leads.medianSecondsToAccept, 'median, offer → acceptance'),
      metric('leads.unroutable', 'Unroutable leads', number(leads.unroutable ?? m.unroutableLeads, 0), leads.unroutable ?? m.unroutableLeads,
        `${leads.submitted ?? 0} submitted · ${leads.pending ?? 0} waiting for an answer`),
      metric('integrations.adoptionRate', 'Integration adoption', percent(ig.adoptionRate), ig.adoptionRate,
        `${ig.accountsWithActiveInstall ?? 0} of ${ig.accountsSeen ?? 0} accounts have an active install`),
      metric('integrations.nrr', 'NRR contribution', ig.churnRateDifference === null || ig.churnRateDifference === undefined ? '—' : `${number(ig.churnRateDifference * 100, 1)} pts`,
        ig.churnRateDifference, `churn ${percent(ig.noIntegration?.churnRate)} with no integration vs ${percent(ig.threeOrMoreIntegrations?.churnRate)} with 3+`),
      metric('integrations.marketplaceConversion', 'Marketplace conversion', percent(ig.marketplaceConversion), ig.marketplaceConversion,
        `${ig.installs ?? 0} installs / ${ig.listingViews ?? 0} listing views`),
      metric('nps.score', 'Partner NPS', m.nps?.score === null || m.nps?.score === undefined ? '—' : number(m.nps.score, 1), m.nps?.score,
        `${m.nps?.responses ?? 0} responses · ${m.nps?.promoters ?? 0} promoters · ${m.nps?.detractors ?? 0} detractors`),
      metric('atRisk', 'At-risk partners', String(m.atRiskPartners?.length ?? 0), m.atRiskPartners?.length ?? 0, 'health below threshold or down 15+ in 7 days'));

    renderRevenueChart(m);
    fill(leadsChart, barChart({
      title: 'Leads by outcome',
      items: [['offered', leads.offered], ['accepted', leads.accepted], ['declined', leads.declined], ['expired', leads.expired],
        ['waiting', leads.pending], ['unroutable', leads.unroutable ?? m.unroutableLeads], ['converted', leads.converted]]
        .map(([label, value]) => ({ label, segments: [{ value: value ?? 0, className: `lead-${label}` }] })),
      format: (v) => number(v, 0),
    }));
    renderPartners(m);
    refreshLists(m);
  }

  function renderRevenueChart(m) {
    const cur = m.revenue?.currency;
    const byType = m.revenue?.byPartnerType;
    const legend = [{ name: 'won', className: 'won' }, { name: 'open pipeline', className: 'open' }];
    const format = (v) => compactMoney(v, cur);
    if (byType && typeof byType === 'object') {
      fill(revenueChart, barChart({
        title: `Partner revenue by partner type (${cur})`,
        items: Object.entries(byType).map(([type, r]) => ({
          label: words(type),
          segments: typeof r === 'number' ? [{ name: 'won', value: r, className: 'won' }]
            : [{ name: 'won', value: r.won ?? 0, className: 'won' }, { name: 'open pipeline', value: r.open ?? 0, className: 'open' }],
        })),
        format, legend,
      }));
      return;
    }
    // /api/metrics has no split by partner type yet: show sourced against influenced until it does.
    fill(revenueChart, barChart({
      title: `Partner revenue, sourced and influenced (${cur ?? ''})`,
      items: [['sourced', m.revenue?.sourced], ['influenced', m.revenue?.influenced]].map(([label, r]) => ({
        label, segments: [{ name: 'won', value: r?.won ?? 0, className: 'won' }, { name: 'open pipeline', value: r?.open ?? 0, className: 'open' }],
      })),
      format, legend,
    }), h('p', { class: 'hint', text: 'The split by partner type appears when the metrics report it.' }));
  }

  function renderPartners(m) {
    const p = m.partners ?? {};
    const chart = (title, counts) => barChart({
      title,
      items: Object.entries(counts ?? {}).map(([label, value]) => ({ label: words(label) || 'none', segments: [{ value }] })),
      format: (v) => number(v, 0),
    });
    fill(partnersBody, p.total
      ? [chart('By type', p.byType), chart('By tier', p.byTier), chart('By lifecycle stage', p.byStage)]
      : empty('No partners yet. PUT /api/partners/{id} adds one.'));
  }

  // ---- rate -----------------------------------------------------------------------------------
  async function readRate() {
    try {
      const head = await api('/api/log');
      const now = Date.now();
      if (state.lastHead) {
        const dt = (now - state.lastHead.t) / 1000;
        if (dt > 0) state.rates.push({ t: now, v: Math.max(0, head.lastSeq - state.lastHead.seq) / dt });
      }
      state.lastHead = { t: now, seq: head.lastSeq };
      state.rates = state.rates.filter((p) => p.t >= now - RATE_WINDOW_MS);
      const latest = state.rates.at(-1);
      rateChart.dataset.points = String(state.rates.length);
      fill(rateChart,
        h('p', { class: 'big', dataset: { metric: 'eventsPerSecond', value: latest?.v ?? 0 } }, latest ? number(latest.v, 1) : '—', h('span', { class: 'hint', text: ' events/s' })),
        lineChart({ title: 'Accepted events per second, last minute', points: state.rates, windowMs: RATE_WINDOW_MS, format: (v) => number(v, 1), now }));
    } catch (err) {
      fill(rateChart, errorBox(`Cannot read the event rate: ${err.message}`));
    }
  }

  // ---- lists ----------------------------------------------------------------------------------
  /** The lists are read over HTTP when the figures say they changed, not on every push. */
  function refreshLists(m) {
    const atRiskKey = (m.atRiskPartners ?? []).join('\u0000');
    if (atRiskKey !== state.atRiskKey) { state.atRiskKey = atRiskKey; loadAtRisk(); }
    const unroutableKey = String(m.leads?.unroutable ?? m.unroutableLeads);
    if (unroutableKey !== state.unroutableKey) { state.unroutableKey = unroutableKey; loadUnroutable(); }
    // A new registration changes the open pipeline's deal counts; a review or a close changes them too.
    const r = m.revenue ?? {};
    const pendingKey = [r.sourced?.openDeals, r.influenced?.openDeals, r.sourced?.wonDeals, r.sourced?.lostDeals, r.influenced?.wonDeals, r.influenced?.lostDeals].join('/');
    if (pendingKey !== state.pendingKey) { state.pendingKey = pendingKey; loadPending(); }
  }

  const loadAtRisk = debounce(async () => {
    try {
      state.atRisk = (await api('/api/partners?atRisk=true')).partners;
      state.atRiskError = null;
    } catch (err) {
      state.atRiskError = err.message;
    }
    renderAtRisk();
  }, 300);

  const loadUnroutable = debounce(async () => {
    try {
      state.unroutable = (await api('/api/leads?status=unroutable&limit=50')).leads;
      state.unroutableError = null;
    } catch (err) {
      state.unroutableError = err.message;
    }
    renderUnroutable();
  }, 300);

  const loadPending = debounce(async () => {
    try {
      state.pending = (await api('/api/registrations?status=pending_review&limit=50')).registrations;
      state.pendingError = null;
    } catch (err) {
      state.pendingError = err.message;
    }
    renderPending();
  }, 300);

  function renderAtRisk() {
    if (state.atRiskError) return fill(atRiskBody, errorBox(state.atRiskError));
    if (!state.atRisk) return fill(atRiskBody, h('p', { class: 'loading', text: 'Loading…' }));
    if (!state.atRisk.length) return fill(atRiskBody, empty('No partner is at risk.'));
    return fill(atRiskBody, table(['Partner', 'Health', 'Why'], state.atRisk.map((p) => h('tr', { dataset: { partner: p.partnerId } },
      h('th', { scope: 'row' }, h('a', { href: `#/partner/${seg(p.partnerId)}`, text: p.name ?? p.partnerId })),
      h('td', { class: 'num', text: p.health?.score ?? '—' }),
      h('td', { text: p.atRisk?.reason ?? '' })))));
  }

  function renderUnroutable() {
    if (state.unroutableError) return fill(unroutableBody, errorBox(state.unroutableError));
    if (!state.unroutable) return fill(unroutableBody, h('p', { class: 'loading', text: 'Loading…' }));
    if (!state.unroutable.length) return fill(unroutableBody, empty('Every lead found a partner.'));
    return fill(unroutableBody, table(['Lead', 'Region', 'Offers'], state.unroutable.map((l) => h('tr', { dataset: { lead: l.leadId } },
      h('th', { scope: 'row' }, l.leadId, h('span', { class: 'detail', text: [l.accountId, l.submittedAt && `submitted ${dateTime(l.submittedAt)}`].filter(Boolean).join(' · ') })),
      h('td', { text: [l.region, l.industry].filter(Boolean).join(' · ') || '—' }),
      h('td', { class: 'num', text: (l.history ?? []).filter((x) => x.outcome === 'offered').length })))));
  }

  function renderPending() {
    if (state.pendingError) return fill(pendingBody, errorBox(state.pendingError));
    if (!state.pending) return fill(pendingBody, h('p', { class: 'loading', text: 'Loading…' }));
    const refresh = h('button', { type: 'button', class: 'link', onclick: () => loadPending(), text: 'Refresh' });
    if (!state.pending.length) {
      return fill(pendingBody, empty('Nothing waits for review. With auto-approval on (the default), registrations never do.'), refresh);
    }
    return fill(pendingBody, table(['Deal', 'Amount', 'Decision'], state.pending.map((r) => h('tr', { dataset: { deal: r.dealId } },
      h('th', { scope: 'row' }, h('a', { href: `#/deal/${seg(r.dealId)}`, text: r.dealId }),
        h('span', { class: 'detail', text: [r.accountId, r.registeredBy && `by ${r.registeredBy}`].filter(Boolean).join(' · ') })),
      h('td', { class: 'num', text: money(r.amount, r.currency) }),
      h('td', {}, h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: (e) => review(r, 'approved', e.currentTarget), 'aria-label': `Approve ${r.dealId}`, text: 'Approve' }),
        h('button', { type: 'button', onclick: (e) => review(r, 'rejected', e.currentTarget), 'aria-label': `Reject ${r.dealId}`, text: 'Reject' })))))),
    refresh);
  }

  async function review(registration, decision, button) {
    const row = button.closest('tr');
    row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      const result = await postEvent({ type: 'deal.registration_reviewed', dealId: registration.dealId, decision });
      if (result.status === 'rejected') throw new Error(result.error ?? 'The review was not accepted.');
      state.pending = state.pending.filter((r) => r.dealId !== registration.dealId);
      renderPending();
      reviewStatus.textContent = `Registration of ${registration.dealId} ${decision}.`;
    } catch (err) {
      row.querySelectorAll('button').forEach((b) => { b.disabled = false; });
      row.lastElementChild.append(errorBox(err.message));
    }
  }

  return () => {
    offs.forEach((off) => off());
    unsubscribe();
    clearInterval(rateTimer);
    loadAtRisk.cancel();
    loadUnroutable.cancel();
    loadPending.cancel();
  };
}

function metric(name, label, text, value, note) {
  return h('div', { class: 'metric', dataset: { metric: name, value: value ?? '' } },
    h('span', { class: 'metric-label', text: label }),
    h('span', { class: 'metric-value', text }),
    note ? h('span', { class: 'metric-note', text: note }) : null);
}

function table(headings, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows)));
}
