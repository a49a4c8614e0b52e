// A few lines instead of a framework: build elements, never parse HTML, so text from the server
// (chat lines, partner names) can never turn into markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * h('button', { class: 'primary', onclick: fn, dataset: { id: 'x' } }, 'Text', child, [more])
 * Attributes: `class`, `dataset`, `text`, `onxxx` handlers, and anything else as an attribute
 * (true → empty attribute; null, undefined and false → left out).
 */
export function h(tag, props, ...children) {
  const el = tag.startsWith('svg:') ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[k] = String(v);
    } else if (name === 'text') {
      el.textContent = String(value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** An SVG element: s('rect', { x: 0, width: 10 }). */
export const s = (tag, props, ...children) => h('svg:' + tag, props, ...children);

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A card: a titled section of a page. `id` names its heading for aria-labelledby. */
export function card(id, title, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id + '-title', id },
    h('h2', { id: id + '-title', text: title }), ...children);
}

/** An empty state: says what is missing and, where it helps, what makes it appear. */
export const empty = (text) => h('p', { class: 'empty', text });

/** An error message, announced to screen readers. */
export const errorBox = (text) => h('p', { class: 'error', role: 'alert', text });

/** Runs `fn` at most once per `ms`, at the end of the interval (trailing), with the latest arguments. */
export function debounce(fn, ms) {
  let timer = null;
  let args = [];
  const run = () => { timer = null; fn(...args); };
  const debounced = (...a) => { args = a; if (timer === null) timer = setTimeout(run, ms); };
  debounced.cancel = () => { if (timer !== null) clearTimeout(timer); timer = null; };
  return debounced;
}
