// Runs in a report page (tests/reportcheck.py): what a reader on a phone or a desktop meets.
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const blend = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1});
  // The colour behind an element: the first opaque background up the tree, or
  // the fill of the SVG shape drawn under an SVG text.
  const backdrop = (el) => {
    if (el instanceof SVGElement && el.tagName.toLowerCase() === 'text') {
      el.scrollIntoView({block: 'center', inline: 'center'});
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      for (const under of document.elementsFromPoint(x, y)) {
        if (under === el || under.tagName.toLowerCase() === 'text' || under.tagName.toLowerCase() === 'tspan') continue;
        if (under instanceof SVGGeometryElement) {
          const fill = parse(getComputedStyle(under).fill || '');
          if (fill && fill.a > 0) return blend(fill, {r: 255, g: 255, b: 255, a: 1});
          continue;
        }
        if (under instanceof SVGElement) continue;  // a <g> or the <svg> itself
        break;
      }
    }
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
    }
    let c = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) c = blend(layers[i], c);
    return c;
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || parseFloat(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const small = [], lowContrast = [];
  const all = document.body.querySelectorAll('*');
  for (const el of all) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    const s = getComputedStyle(el);
    let px = parseFloat(s.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      if (m) px *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    const text = el.textContent.trim().slice(0, 40);
    if (px < 11 - 0.01) small.push(`${el.tagName} ${px.toFixed(1)}px "${text}"`);
    const colour = parse(el instanceof SVGElement ? (s.fill || s.color) : s.color);
    if (!colour) continue;
    const bg = backdrop(el);
    const fg = blend(colour, bg);
    const bold = parseInt(s.fontWeight, 10) >= 700;
    const large = px >= 24 || (bold && px >= 18.66);
    const need = large ? 3 : 4.5;
    const r = ratio(fg, bg);
    if (r < need - 0.005) lowContrast.push(`${el.tagName}.${el.className.baseVal ?? el.className} ${r.toFixed(2)}:1 "${text}"`);
  }
  const wide = [];
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.right <= window.innerWidth + 0.5 || !visible(el)) continue;
    let a = el.parentElement, scrolls = false;  // inside a box that scrolls on its own: fine
    for (; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') { scrolls = true; break; }
    if (!scrolls) wide.push(`${el.tagName}.${el.className.baseVal ?? el.className} right=${Math.round(r.right)}px`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          small, lowContrast, wide};
}
