// Building the page: text goes in as text (textContent), never as markup, so a stored
// prompt cannot inject anything into the console.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function number(value, digits = 0) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString(document.documentElement.lang, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function percent(value, digits = 1) {
  if (value === null || value === undefined) return "–";
  return `${number(value * 100, digits)} %`;
}

export function when(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleString(document.documentElement.lang);
}

// A table; `columns` is a list of [heading, (row) => cell content]; `key` names it
// (data-table) for tests and styles.
export function table(caption, columns, rows, empty, key = null) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h(
    "div",
    { class: "table-wrap", "data-table": key },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map(([title]) => h("th", { scope: "col" }, title)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(row)))))),
    ),
  );
}

export function tiles(items) {
  return h(
    "dl",
    { class: "tiles" },
    items.filter(Boolean).map(([label, value]) => h("div", { class: "tile" }, h("dt", {}, label), h("dd", {}, value))),
  );
}

// Horizontal bars for counts: readable as a list when bars are not seen.
export function bars(caption, items, empty) {
  if (!items.length) return h("figure", { class: "bars" }, h("figcaption", {}, caption), h("p", { class: "empty" }, empty));
  const top = Math.max(...items.map((item) => item.count));
  return h(
    "figure",
    { class: "bars" },
    h("figcaption", {}, caption),
    h(
      "ul",
      {},
      items.map((item) =>
        h(
          "li",
          {},
          h("span", { class: "bar-label" }, item.name),
          h("meter", { min: 0, max: top, value: item.count, "aria-label": item.name }),
          h("span", { class: "bar-value" }, number(item.count)),
        ),
      ),
    ),
  );
}
