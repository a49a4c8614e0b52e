// Small charts in plain SVG. Each is a <figure> whose SVG has role="img" and a text alternative, so the
// numbers are there for a screen reader too; the bars themselves carry <title> tooltips.

import { h, s } from './dom.js';

const WIDTH = 400;

/**
 * Horizontal bars, stacked when an item has several segments.
 * items: [{ label, segments: [{ name, value, className }] }]; format(value) → text.
 * legend: [{ name, className }] for stacked bars.
 */
export function barChart({ title, items, format = String, legend = null, describe = null }) {
  const rowHeight = 22;
  const labelWidth = 120;
  const valueWidth = 84;
  const barWidth = WIDTH - labelWidth - valueWidth - 8;
  const totals = items.map((item) => item.segments.reduce((sum, seg) => sum + Math.max(0, seg.value ?? 0), 0));
  const max = Math.max(0, ...totals);
  const height = Math.max(rowHeight, items.length * rowHeight);
  const summary = describe ?? items.map((item, i) => `${item.label}: ${format(totals[i])}`).join('; ');

  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title}. ${summary}` },
    items.map((item, i) => {
      const y = i * rowHeight;
      let x = labelWidth;
      const bars = item.segments.map((seg) => {
        const w = max > 0 ? (Math.max(0, seg.value ?? 0) / max) * barWidth : 0;
        const rect = s('rect', { x, y: y + 5, width: Math.max(w, 0), height: rowHeight - 10, rx: 2, class: `bar ${seg.className ?? ''}` },
          s('title', { text: `${item.label}${seg.name ? ' · ' + seg.name : ''}: ${format(seg.value ?? 0)}` }));
        x += w;
        return rect;
      });
      return s('g', { class: 'bar-row', dataset: { label: item.label, value: totals[i] } },
        s('text', { x: labelWidth - 6, y: y + rowHeight / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle', text: item.label }),
        s('rect', { x: labelWidth, y: y + 5, width: barWidth, height: rowHeight - 10, rx: 2, class: 'track' }),
        bars,
        s('text', { x: WIDTH - 4, y: y + rowHeight / 2, class: 'value', 'text-anchor': 'end', 'dominant-baseline': 'middle', text: format(totals[i]) }));
    }));

  return h('figure', { class: 'chart-figure' },
    h('figcaption', { text: title }),
    svg,
    legend && h('ul', { class: 'legend' }, legend.map((l) => h('li', {}, h('span', { class: `swatch ${l.className}`, 'aria-hidden': 'true' }), l.name))));
}

/** A line over time: points [{ t: ms, v }], the newest on the right; `windowMs` wide. */
export function lineChart({ title, points, windowMs, format = String, now = Date.now() }) {
  const height = 110;
  const top = 14;
  const bottom = 18;
  const left = 34;
  const max = Math.max(1, ...points.map((p) => p.v));
  const x = (t) => left + ((t - (now - windowMs)) / windowMs) * (WIDTH - left - 4);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  const visible = points.filter((p) => p.t >= now - windowMs);
  const path = visible.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const latest = visible.at(-1);
  const summary = latest ? `now ${format(latest.v)}, highest ${format(Math.max(...visible.map((p) => p.v)))} in the last ${Math.round(windowMs / 60000)} minutes` : 'no readings yet';

  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'chart line-chart', role: 'img', 'aria-label': `${title}: ${summary}` },
    s('line', { x1: left, x2: WIDTH - 4, y1: y(0), y2: y(0), class: 'axis' }),
    s('line', { x1: left, x2: WIDTH - 4, y1: y(max), y2: y(max), class: 'grid' }),
    s('text', { x: left - 4, y: y(max), class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle', text: format(max) }),
    s('text', { x: left - 4, y: y(0), class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle', text: '0' }),
    s('text', { x: left, y: height - 3, class: 'label', text: `${Math.round(windowMs / 60000)} min ago` }),
    s('text', { x: WIDTH - 4, y: height - 3, class: 'label', 'text-anchor': 'end', text: 'now' }),
    visible.length > 1 && s('polyline', { points: path, class: 'line' }),
    latest && s('circle', { cx: x(latest.t), cy: y(latest.v), r: 3, class: 'dot' }, s('title', { text: format(latest.v) })));

  return h('figure', { class: 'chart-figure' }, h('figcaption', { text: title }), svg);
}

/** A 0-100 meter, e.g. a health score. */
export function meter({ label, value, max = 100, className = '' }) {
  const width = 200;
  const w = Math.max(0, Math.min(1, (value ?? 0) / max)) * width;
  return s('svg', { viewBox: `0 0 ${width} 10`, class: `meter ${className}`, role: 'img', 'aria-label': `${label}: ${value ?? 'no data'} of ${max}`, preserveAspectRatio: 'none' },
    s('rect', { x: 0, y: 0, width, height: 10, rx: 5, class: 'track' }),
    s('rect', { x: 0, y: 0, width: w, height: 10, rx: 5, class: 'fill' }));
}
