// How numbers, money and times read on the pages. Amounts arrive as JSON numbers (decimals on the server).

const locale = undefined; // the browser's

export function money(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  if (!currency) return number(amount);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${number(amount)} ${currency}`;
  }
}

export function compactMoney(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(amount);
  } catch {
    return number(amount);
  }
}

export const number = (n, digits = 2) =>
  n === null || n === undefined ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);

/** A fraction 0-1 as a percentage. */
export const percent = (fraction, digits = 1) =>
  fraction === null || fraction === undefined ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(fraction);

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** 3h 04m 12s / 4m 12s / 12s, for countdowns. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(sec)}s`;
  if (m > 0) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}

/** Seconds as a readable span: 42 s, 3.5 min, 2.1 h. */
export function seconds(value) {
  if (value === null || value === undefined) return '—';
  if (value < 120) return `${number(value, 1)} s`;
  if (value < 7200) return `${number(value / 60, 1)} min`;
  return `${number(value / 3600, 1)} h`;
}

/** pending_review → pending review; leadResponsiveness → lead responsiveness. */
export const words = (s) => String(s ?? '').replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
